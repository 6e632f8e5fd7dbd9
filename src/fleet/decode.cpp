// Reading bucket keys back into the registry, checking every value as a file's entries are.
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <harmony/network/number.hpp>
#include <harmony/network/service_name.hpp>

#include "fleet/layout.hpp"
#include "util/printable.hpp"

namespace harmony::network::fleet {
namespace {

using Json = nlohmann::json;

// One key's value, with errors that name the store and the key.
class Value {
  public:
    Value(std::string_view label, std::string_view key, std::string_view text)
        : m_label(label), m_key(key), m_json(Json::parse(text, nullptr, false)) {}

    [[nodiscard]] bool ok() const { return m_json.is_object(); }
    [[nodiscard]] bool has(const char* field) const { return m_json.contains(field); }

    Expected<std::string> text(const char* field) const {
        if (!m_json.contains(field) || !m_json[field].is_string()) {
            return bad(fmt::format("'{}' must be a string", field));
        }
        return m_json[field].get<std::string>();
    }
    Expected<std::int64_t> number(const char* field, std::int64_t min, std::int64_t max) const {
        if (!m_json.contains(field) || !m_json[field].is_number_integer()) {
            return bad(fmt::format("'{}' must be a whole number", field));
        }
        const auto value = m_json[field].get<std::int64_t>();
        if (value < min || value > max) {
            return bad(fmt::format("'{}' must be {}-{}", field, min, max));
        }
        return value;
    }
    Expected<PortRange> ports() const {
        auto first = number("first", 0, 65535);
        auto last = number("last", 0, 65535);
        if (!first || !last) {
            return std::unexpected(first ? last.error() : first.error());
        }
        if (*first > *last) {
            return bad("'first' is above 'last'");
        }
        return PortRange{static_cast<Port>(*first), static_cast<Port>(*last)};
    }
    Expected<Protocols> protocols() const {
        auto name = text("protocols");
        if (!name) {
            return std::unexpected(name.error());
        }
        auto p = parse_protocols(*name);
        return p ? Expected<Protocols>(*p) : bad(p.error().message);
    }
    Expected<TimePoint> time(const char* field) const {
        auto t = text(field);
        if (!t) {
            return std::unexpected(t.error());
        }
        auto parsed = parse_time(*t);
        return parsed ? Expected<TimePoint>(*parsed) : bad(parsed.error().message);
    }
    [[nodiscard]] const Json& json() const { return m_json; }

    std::unexpected<Error> bad(std::string_view what) const {
        return fail(ErrorCode::invalid_registry,
                    fmt::format("{}: key {}: {}", m_label, util::printable_text(m_key, 200),
                                util::printable_text(what, 300)));
    }

  private:
    std::string_view m_label;
    std::string_view m_key;
    Json m_json;
};

// NOLINTBEGIN(bugprone-macro-parentheses): `var` names a new variable
#define HP_TRY(var, expr)                    \
    auto var = (expr);                       \
    if (!var) {                              \
        return std::unexpected(var.error()); \
    }
// NOLINTEND(bugprone-macro-parentheses)

Expected<void> checked(const Value& v, Expected<void> rule) {
    return rule ? Expected<void>{} : Expected<void>(v.bad(rule.error().message));
}

Expected<void> decode_config(const Value& v, Registry& registry) {
    HP_TRY(schema, v.number("schema_version", k_schema_version, k_schema_version));
    HP_TRY(range, v.ports());
    HP_TRY(days, v.number("quarantine_days", 0, k_max_quarantine_days));
    registry.schema_version = static_cast<int>(*schema);
    registry.range = *range;
    registry.quarantine_days = static_cast<int>(*days);
    if (!v.json().contains("pools") || !v.json()["pools"].is_array()) {
        return v.bad("'pools' must be a list");
    }
    for (const auto& item : v.json()["pools"]) {
        const Value pool(std::string_view("pool"), std::string_view("config"), item.dump());
        if (!pool.ok()) {
            return v.bad("a pool must be a table");
        }
        HP_TRY(name, pool.text("name"));
        HP_TRY(ports, pool.ports());
        if (!item.contains("reserved") || !item["reserved"].is_boolean()) {
            return v.bad("a pool's 'reserved' must be true or false");
        }
        if (auto ok = checked(v, validate_service_name(*name)); !ok) {
            return ok;
        }
        if (!range->contains(*ports)) {
            return v.bad(fmt::format("pool {} lies outside the range", *name));
        }
        registry.pools.push_back(Pool{*name, *ports, item["reserved"].get<bool>(), {}});
    }
    return {};
}

Expected<Allocation> decode_record(const Value& v, std::string_view service) {
    HP_TRY(name, v.text("name"));
    HP_TRY(ports, v.ports());
    HP_TRY(protocols, v.protocols());
    HP_TRY(pool, v.text("pool"));
    HP_TRY(owner, v.text("owner"));
    HP_TRY(notes, v.text("notes"));
    HP_TRY(process, v.text("process"));
    if (*name != service) {
        return v.bad("the record names another service than its key");
    }
    for (auto rule : {validate_service_name(*name), validate_free_text("owner", *owner),
                      validate_free_text("notes", *notes),
                      process->empty() ? Expected<void>{} : validate_process_name(*process),
                      pool->empty() ? Expected<void>{} : validate_service_name(*pool)}) {
        if (auto ok = checked(v, rule); !ok) {
            return std::unexpected(ok.error());
        }
    }
    return Allocation{*name, *ports, *protocols, *pool, *owner, *notes, *process, {}};
}

std::optional<std::pair<Protocols, Port>> claim_of_key(std::string_view key) {
    for (auto [prefix, protocol] : {std::pair{std::string_view("port.tcp."), Protocols::tcp},
                                    std::pair{std::string_view("port.udp."), Protocols::udp}}) {
        if (key.starts_with(prefix)) {
            auto port = decimal_value(key.substr(prefix.size()));
            if (port && *port <= 65535) {
                return std::pair{protocol, static_cast<Port>(*port)};
            }
        }
    }
    return std::nullopt;
}

Expected<Claim> decode_claim(const Value& v, Protocols protocol, Port port) {
    Claim claim{protocol, port, {}, {}};
    HP_TRY(ports, v.ports());
    if (!ports->contains(port)) {
        return v.bad("the claim's ports do not hold its key's port");
    }
    if (v.has("service")) {
        HP_TRY(service, v.text("service"));
        if (auto ok = checked(v, validate_service_name(*service)); !ok) {
            return std::unexpected(ok.error());
        }
        claim.holder = Allocation{*service, *ports, protocol, {}, {}, {}, {}, {}};
        return claim;
    }
    HP_TRY(name, v.text("released"));
    HP_TRY(protocols, v.protocols());
    HP_TRY(at, v.time("released_at"));
    HP_TRY(until, v.time("until"));
    if (auto ok = checked(v, validate_service_name(*name)); !ok) {
        return std::unexpected(ok.error());
    }
    claim.quarantine = Released{*name, *ports, *protocols, *at, *until, {}};
    return claim;
}

// `entry` read (once: kept in the entry until its value changes).
Expected<const Decoded*> decoded(std::string_view key, const RawEntry& entry,
                                 std::string_view label) {
    if (entry.decoded) {
        return entry.decoded.get();
    }
    const Value v(label, key, entry.value);
    if (!v.ok()) {
        return v.bad("the value is not a JSON object");
    }
    auto d = std::make_shared<Decoded>();
    if (key == k_config_key) {
        d->kind = Decoded::Kind::config;
        HP_TRY(ok, decode_config(v, d->config));
    } else if (key.starts_with("name.")) {
        d->kind = Decoded::Kind::record;
        HP_TRY(record, decode_record(v, key.substr(5)));
        d->record = std::move(*record);
    } else if (auto where = claim_of_key(key)) {
        d->kind = Decoded::Kind::claim;
        HP_TRY(claim, decode_claim(v, where->first, where->second));
        d->claim = std::move(*claim);
    } else {
        return v.bad("the key is not one this store writes");
    }
    entry.decoded = std::move(d);
    return entry.decoded.get();
}

using Claims = std::map<std::string_view, const Claim*, std::less<>>;
using Records = std::map<std::string_view, std::pair<const Allocation*, const RawEntry*>>;

Leftover invalid(std::string_view key, const RawEntry& entry, const Error& error) {
    Leftover left;
    left.kind = Leftover::Kind::invalid_key;
    left.key = std::string(key);
    left.created_ns = entry.created_ns;
    left.problem = error.message;
    if (auto where = claim_of_key(key)) {
        left.ports = PortRange{where->second, where->second};
        left.protocols = where->first;
    }
    return left;
}

// Every claim by key; the config into `out`, the records into `records`. A key that does not
// decode is a leftover; when it is a claim key its port stays taken.
Claims decode_keys(const RawMap& raw, std::string_view label, Materialized& out, Records& records) {
    Claims claims;
    for (const auto& [key, entry] : raw) {
        if (entry.deleted || !registry_key(key)) {
            continue;
        }
        auto d = decoded(key, entry, label);
        if (!d) {
            out.leftovers.push_back(invalid(key, entry, d.error()));
            continue;
        }
        switch ((*d)->kind) {
            case Decoded::Kind::config:
                out.registry.range = (*d)->config.range;
                out.registry.schema_version = (*d)->config.schema_version;
                out.registry.quarantine_days = (*d)->config.quarantine_days;
                out.registry.pools = (*d)->config.pools;
                out.has_config = true;
                break;
            case Decoded::Kind::record:
                records.emplace((*d)->record.name, std::pair{&(*d)->record, &entry});
                break;
            case Decoded::Kind::claim:
                claims.emplace(key, &(*d)->claim);
                break;
        }
    }
    out.records = records.size();
    return claims;
}

// True when every claim `a` needs names it with the same ports.
bool complete(const Allocation& a, const Claims& claims) {
    bool all = true;
    for (Protocols p : {Protocols::tcp, Protocols::udp}) {
        for (std::uint32_t port = a.ports.first;
             shares_protocol(p, a.protocols) && all && port <= a.ports.last; ++port) {
            auto it = claims.find(claim_key(p, static_cast<Port>(port)));
            all = it != claims.end() && it->second->holder && it->second->holder->name == a.name &&
                  it->second->holder->ports.first == a.ports.first &&
                  it->second->holder->ports.last == a.ports.last;
        }
    }
    return all;
}

TimePoint never() {
    using namespace std::chrono;
    return time_point_cast<seconds>(sys_days{year{9999} / December / 31});
}

#undef HP_TRY

TimePoint seconds_of(std::int64_t ns) {
    return TimePoint{std::chrono::seconds{ns / 1'000'000'000}};
}

// Ports whose claim key is unreadable: nobody may be given them until the key is mended.
void hold_unreadable_claims(Materialized& out) {
    for (const auto& left : out.leftovers) {
        if (left.kind == Leftover::Kind::invalid_key && left.ports) {
            out.held.push_back(Released{std::string(k_unreadable_holder),
                                        *left.ports,
                                        left.protocols,
                                        seconds_of(left.created_ns),
                                        never(),
                                        {}});
        }
    }
}

Materialized materialize_keys(const RawMap& raw, std::string_view label) {
    Materialized out;
    Records records;
    const Claims claims = decode_keys(raw, label, out, records);
    std::set<std::string, std::less<>> used;  // claim keys of complete allocations
    for (auto& [name, record] : records) {
        const Allocation& a = *record.first;
        if (complete(a, claims)) {
            out.registry.allocations.push_back(a);
            for_each_claim_key(a.ports, a.protocols,
                               [&](std::string key) { used.insert(std::move(key)); });
            continue;
        }
        out.leftovers.push_back({Leftover::Kind::incomplete_record, name_key(name),
                                 std::string(name), a.ports, a.protocols,
                                 record.second->created_ns});
    }
    std::set<std::tuple<std::string, Port, Port, int, std::int64_t>> quarantined;
    for (const auto& [key, found] : claims) {
        const Claim& claim = *found;
        if (claim.quarantine) {
            const Released& r = *claim.quarantine;
            if (quarantined
                    .emplace(r.name, r.ports.first, r.ports.last, static_cast<int>(r.protocols),
                             r.until.time_since_epoch().count())
                    .second) {
                out.registry.released.push_back(r);
            }
        } else if (!used.contains(key)) {
            const RawEntry& entry = raw.find(key)->second;
            const PortRange one{claim.port, claim.port};
            out.held.push_back(Released{claim.holder->name,
                                        one,
                                        claim.protocol,
                                        seconds_of(entry.created_ns),
                                        never(),
                                        {}});
            out.leftovers.push_back({Leftover::Kind::orphan_claim, std::string(key),
                                     claim.holder->name, one, claim.protocol, entry.created_ns});
        }
    }
    hold_unreadable_claims(out);
    canonicalize(out.registry);
    return out;
}

}  // namespace

bool holds_entries(const Materialized& m) {
    return m.records > 0 || !m.held.empty() || !m.registry.released.empty();
}

std::string ports_text(const Leftover& left) {
    if (!left.ports) {
        return {};
    }
    const auto [first, last] = *left.ports;
    return fmt::format("{}/{}",
                       first == last ? fmt::format("{}", first) : fmt::format("{}-{}", first, last),
                       to_string(left.protocols));
}

bool registry_key(std::string_view key) {
    return key != k_intent_key && key != k_clock_key && !key.starts_with("intent.");
}

Materialized materialize(const RawMap& raw, std::string_view label) {
    std::vector<Leftover> intent_problems;
    auto intent = committed_intent(raw, label, intent_problems);
    Materialized out;
    if (intent) {
        RawMap target;
        for (const auto& [key, value] : intent->target) {
            target.emplace(key, RawEntry{value, 0, false, 0});
        }
        out = materialize_keys(target, label);
        out.intent = std::move(intent);
    } else {
        out = materialize_keys(raw, label);
    }
    out.leftovers.insert(out.leftovers.end(), intent_problems.begin(), intent_problems.end());
    return out;
}

}  // namespace harmony::network::fleet
