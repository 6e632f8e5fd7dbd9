// Encoding the registry into bucket keys and reading it back.
#include "fleet/layout.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <harmony/network/number.hpp>
#include <harmony/network/service_name.hpp>

#include "util/printable.hpp"

namespace harmony::network::fleet {
namespace {

using Json = nlohmann::ordered_json;

std::string dump(const Json& json) {
    return json.dump(-1, ' ', false, Json::error_handler_t::strict);
}

Json config_value(const Registry& registry) {
    Json pools = Json::array();
    for (const auto& pool : registry.pools) {
        pools.push_back({{"name", pool.name},
                         {"first", pool.ports.first},
                         {"last", pool.ports.last},
                         {"reserved", pool.reserved}});
    }
    return {{"schema_version", registry.schema_version},
            {"first", registry.range.first},
            {"last", registry.range.last},
            {"quarantine_days", registry.quarantine_days},
            {"pools", std::move(pools)}};
}

Json record_value(const Allocation& a) {
    return {{"name", a.name},       {"first", a.ports.first},
            {"last", a.ports.last}, {"protocols", std::string(to_string(a.protocols))},
            {"pool", a.pool},       {"owner", a.owner},
            {"notes", a.notes},     {"process", a.process}};
}

Json claim_value(const Allocation& a) {
    return {{"service", a.name}, {"first", a.ports.first}, {"last", a.ports.last}};
}

Json quarantine_value(const Released& r) {
    return {{"released", r.name},
            {"first", r.ports.first},
            {"last", r.ports.last},
            {"protocols", std::string(to_string(r.protocols))},
            {"released_at", format_time(r.released_at)},
            {"until", format_time(r.until)}};
}

}  // namespace

std::string name_key(std::string_view service) {
    return fmt::format("name.{}", service);
}

std::string claim_key(Protocols protocol, Port port) {
    return fmt::format("port.{}.{}", has_tcp(protocol) ? "tcp" : "udp", port);
}

Expected<Encoded> encode(const Registry& registry) {
    Encoded keys;
    keys.emplace(k_config_key, dump(config_value(registry)));
    std::string clash;
    auto put = [&](std::string key, std::string value) {
        if (!keys.emplace(key, std::move(value)).second && clash.empty()) {
            clash = key;
        }
    };
    for (const auto& a : registry.allocations) {
        put(name_key(a.name), dump(record_value(a)));
        const std::string claim = dump(claim_value(a));
        for_each_claim_key(a.ports, a.protocols,
                           [&](std::string key) { put(std::move(key), claim); });
    }
    for (const auto& r : registry.released) {
        const std::string held = dump(quarantine_value(r));
        for_each_claim_key(r.ports, r.protocols,
                           [&](std::string key) { put(std::move(key), held); });
    }
    if (!clash.empty()) {
        return fail(
            ErrorCode::invalid_registry,
            fmt::format("two entries hold {}: one port and protocol has one holder", clash));
    }
    return keys;
}

namespace {

bool same(const Allocation& a, const Allocation& b) {
    return a.name == b.name && a.ports.first == b.ports.first && a.ports.last == b.ports.last &&
           a.protocols == b.protocols && a.pool == b.pool && a.owner == b.owner &&
           a.notes == b.notes && a.process == b.process;
}

bool same(const Released& a, const Released& b) {
    return a.name == b.name && a.ports.first == b.ports.first && a.ports.last == b.ports.last &&
           a.protocols == b.protocols && a.released_at == b.released_at && a.until == b.until;
}

template <typename Entry>
bool holds(const std::vector<Entry>& entries, const Entry& entry) {
    return std::any_of(entries.begin(), entries.end(),
                       [&](const Entry& e) { return same(e, entry); });
}

void drop_allocation(const Allocation& a, KeyChanges& out) {
    out[name_key(a.name)] = std::nullopt;
    for_each_claim_key(a.ports, a.protocols,
                       [&](const std::string& key) { out[key] = std::nullopt; });
}

void put_allocation(const Allocation& a, KeyChanges& out) {
    out[name_key(a.name)] = dump(record_value(a));
    const std::string claim = dump(claim_value(a));
    for_each_claim_key(a.ports, a.protocols, [&](const std::string& key) { out[key] = claim; });
}

}  // namespace

Expected<KeyChanges> changed_keys(const Registry& before, const Registry& after,
                                  bool config_missing) {
    KeyChanges out;
    std::map<std::string_view, const Allocation*> was;
    for (const auto& a : before.allocations) {
        was.emplace(a.name, &a);
    }
    std::map<std::string_view, const Allocation*> is;
    for (const auto& a : after.allocations) {
        is.emplace(a.name, &a);
    }
    // What goes first, then what comes: a key both lose and gain ends with its new value.
    for (const auto& a : before.allocations) {
        auto now = is.find(a.name);
        if (now == is.end() || !same(*now->second, a)) {
            drop_allocation(a, out);
        }
    }
    for (const auto& r : before.released) {
        if (!holds(after.released, r)) {
            for_each_claim_key(r.ports, r.protocols,
                               [&](const std::string& key) { out[key] = std::nullopt; });
        }
    }
    for (const auto& a : after.allocations) {
        auto then = was.find(a.name);
        if (then == was.end() || !same(*then->second, a)) {
            put_allocation(a, out);
        }
    }
    for (const auto& r : after.released) {
        if (!holds(before.released, r)) {
            const std::string held = dump(quarantine_value(r));
            for_each_claim_key(r.ports, r.protocols,
                               [&](const std::string& key) { out[key] = held; });
        }
    }
    const std::string config = dump(config_value(after));
    if (config_missing || config != dump(config_value(before))) {
        out[std::string(k_config_key)] = config;
    }
    return out;
}

Encoded encode_released(const std::vector<Released>& released) {
    Encoded keys;
    for (const auto& r : released) {
        const std::string held = dump(quarantine_value(r));
        for_each_claim_key(r.ports, r.protocols, [&](const std::string& key) { keys[key] = held; });
    }
    return keys;
}

std::string canonical_of(std::string_view stored) {
    const auto token = stored.rfind(",\"txn\":\"");
    if (token == std::string_view::npos || !stored.ends_with("\"}")) {
        return std::string(stored);
    }
    return std::string(stored.substr(0, token)) + "}";
}

std::string with_txn(std::string_view value, std::string_view txn) {
    if (value.size() < 2 || value.back() != '}') {
        return std::string(value);
    }
    std::string out(value.substr(0, value.size() - 1));
    out += fmt::format("{}\"txn\":\"{}\"}}", value.size() > 2 ? "," : "", txn);
    return out;
}

std::string txn_of(std::string_view value) {
    auto json = Json::parse(value, nullptr, false);
    if (!json.is_object() || !json.contains("txn") || !json["txn"].is_string()) {
        return {};
    }
    return json["txn"].get<std::string>();
}

}  // namespace harmony::network::fleet
