// Encoding the registry into bucket keys and reading it back.
#include "fleet/layout.hpp"

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
