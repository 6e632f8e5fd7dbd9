#include "registry/decode.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include <harmony/network/service_name.hpp>

#include "util/printable.hpp"

namespace harmony::network::detail {
namespace {

// The keys each kind of table may hold.
constexpr std::string_view k_root_keys[] = {"schema_version", "quarantine_days", "pool",
                                            "allocation", "released"};
constexpr std::string_view k_pool_keys[] = {"name", "ports", "reserved"};
constexpr std::string_view k_allocation_keys[] = {"name", "port",  "ports", "protocols",
                                                  "pool", "owner", "notes", "process"};
constexpr std::string_view k_released_keys[] = {"name",      "port",     "ports",
                                                "protocols", "released", "until"};

// Reads one file's entries; appends messages to `errors` as it goes.
class Decoder {
  public:
    explicit Decoder(std::string_view file) : m_file(file) {}

    void error(SourcePosition where, const std::string& what) {
        m_errors.emplace_back(where, position_prefix(m_file, where) + what);
    }

    // The messages in file order (tables arrive in key order from toml++).
    std::vector<std::string> take_errors() {
        std::stable_sort(m_errors.begin(), m_errors.end(), [](const auto& a, const auto& b) {
            return std::tie(a.first.line, a.first.column) < std::tie(b.first.line, b.first.column);
        });
        std::vector<std::string> out;
        out.reserve(m_errors.size());
        for (auto& e : m_errors) {
            out.push_back(std::move(e.second));
        }
        return out;
    }

    // Calls visit(key, value) for each key of `table`; reports keys not in `allowed`.
    template <typename Visit>
    void each_key(const DocNode& table, std::string_view context,
                  std::span<const std::string_view> allowed, Visit&& visit) {
        for (const auto& [key, value, key_position] : table.entries) {
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                std::string list;
                for (auto a : allowed) {
                    list += list.empty() ? std::string(a) : ", " + std::string(a);
                }
                error(key_position, fmt::format("unknown key '{}' in {} (expected: {})",
                                                util::printable_text(key), context, list));
                continue;
            }
            visit(key, value);
        }
    }

    std::optional<std::string> string(const DocNode& node, std::string_view what) {
        if (node.kind == DocNode::Kind::string || node.kind == DocNode::Kind::scalar) {
            return node.text;
        }
        error(node.where, fmt::format("{} must be a string, not {}", what, describe(node)));
        return std::nullopt;
    }

    std::optional<std::int64_t> integer(const DocNode& node, std::string_view what) {
        if (node.kind == DocNode::Kind::integer) {
            return node.integer;
        }
        if (node.kind == DocNode::Kind::scalar) {
            std::int64_t v = 0;
            const auto& t = node.text;
            auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
            if (ec == std::errc{} && end == t.data() + t.size()) {
                return v;
            }
        }
        error(node.where, fmt::format("{} must be an integer, not {}", what, describe(node)));
        return std::nullopt;
    }

    std::optional<bool> boolean(const DocNode& node, std::string_view what) {
        if (node.kind == DocNode::Kind::boolean) {
            return node.boolean;
        }
        if (node.kind == DocNode::Kind::scalar && (node.text == "true" || node.text == "false")) {
            return node.text == "true";
        }
        error(node.where, fmt::format("{} must be true or false, not {}", what, describe(node)));
        return std::nullopt;
    }

    // "ports": "A-B" or an integer; "port": an integer.
    std::optional<PortRange> ports(const DocNode& node, std::string_view key) {
        if (node.kind == DocNode::Kind::integer ||
            (node.kind == DocNode::Kind::scalar && node.text.find('-') == std::string::npos)) {
            auto v = integer(node, key);
            if (!v) {
                return std::nullopt;
            }
            if (*v < 0 || *v > 65535) {
                error(node.where, fmt::format("{} {} is not a port number (0-65535)", key, *v));
                return std::nullopt;
            }
            return PortRange{static_cast<Port>(*v), static_cast<Port>(*v)};
        }
        if (key == "port") {
            error(node.where, fmt::format("port must be an integer, not {} (use ports = \"A-B\" "
                                          "for a block)",
                                          describe(node)));
            return std::nullopt;
        }
        auto text = string(node, key);
        if (!text) {
            return std::nullopt;
        }
        auto range = PortRange::parse(*text);
        if (!range) {
            error(node.where, range.error().message);
            return std::nullopt;
        }
        return *range;
    }

    std::optional<Protocols> protocols(const DocNode& node) {
        if (node.kind != DocNode::Kind::array || node.items.empty()) {
            error(node.where, fmt::format("protocols must be a list such as [\"tcp\", \"udp\"], "
                                          "not {}",
                                          describe(node)));
            return std::nullopt;
        }
        unsigned bits = 0;
        for (const auto& item : node.items) {
            auto name = string(item, "each protocol");
            if (!name) {
                return std::nullopt;
            }
            if (*name == "tcp" || *name == "udp") {
                unsigned bit = *name == "tcp" ? 1U : 2U;
                if ((bits & bit) != 0) {
                    error(item.where, fmt::format("protocol {} is listed twice", *name));
                }
                bits |= bit;
            } else {
                error(item.where, fmt::format("unknown protocol '{}' (expected tcp or udp)",
                                              util::printable_text(*name)));
                return std::nullopt;
            }
        }
        return static_cast<Protocols>(bits);
    }

    std::optional<std::string> name(const DocNode& node, std::string_view what) {
        auto text = string(node, what);
        if (!text) {
            return std::nullopt;
        }
        if (auto ok = validate_service_name(*text); !ok) {
            error(node.where, ok.error().message);
            return std::nullopt;
        }
        return text;
    }

    std::optional<std::string> free_text(const DocNode& node, std::string_view what,
                                         bool is_process) {
        auto text = string(node, what);
        if (!text) {
            return std::nullopt;
        }
        auto ok = is_process ? validate_process_name(*text) : validate_free_text(what, *text);
        if (!ok) {
            error(node.where, ok.error().message);
            return std::nullopt;
        }
        return text;
    }

    std::optional<TimePoint> time(const DocNode& node, std::string_view what) {
        auto text = string(node, what);
        if (!text) {
            return std::nullopt;
        }
        auto t = parse_time(*text);
        if (!t) {
            error(node.where, fmt::format("{}: {}", what, t.error().message));
            return std::nullopt;
        }
        return *t;
    }

    // The items of an array-of-tables key such as [[allocation]].
    const std::vector<DocNode>* tables(const DocNode& node, std::string_view key) {
        if (node.kind != DocNode::Kind::array) {
            error(node.where, fmt::format("{} must be a list of tables ([[{}]]), not {}", key, key,
                                          describe(node)));
            return nullptr;
        }
        for (const auto& item : node.items) {
            if (item.kind != DocNode::Kind::table) {
                error(item.where,
                      fmt::format("each {} must be a table, not {}", key, describe(item)));
                return nullptr;
            }
        }
        return &node.items;
    }

    static std::string describe(const DocNode& node) {
        switch (node.kind) {
            case DocNode::Kind::table:
                return "a table";
            case DocNode::Kind::array:
                return "a list";
            case DocNode::Kind::string:
                return fmt::format("the string \"{}\"", util::printable_text(node.text));
            case DocNode::Kind::integer:
                return fmt::format("the integer {}", node.integer);
            case DocNode::Kind::boolean:
                return node.boolean ? "true" : "false";
            case DocNode::Kind::scalar:
                return fmt::format("'{}'", util::printable_text(node.text));
            case DocNode::Kind::other:
                return node.text;
        }
        return "a value";
    }

    // Reads port/ports of an entry: exactly one of them.
    std::optional<PortRange> entry_ports(const DocNode& table, const std::optional<PortRange>& port,
                                         const std::optional<PortRange>& ports, int seen,
                                         std::string_view what) {
        if (seen == 0) {
            error(table.where,
                  fmt::format("{} needs 'port' (one port) or 'ports' (\"A-B\")", what));
            return std::nullopt;
        }
        if (seen > 1) {
            error(table.where, fmt::format("{} has both 'port' and 'ports'; keep one", what));
            return std::nullopt;
        }
        return port ? port : ports;
    }

  private:
    std::string_view m_file;
    std::vector<std::pair<SourcePosition, std::string>> m_errors;
};

std::string label(const Allocation& a) {
    return fmt::format("{} {}/{}", a.name, a.ports.to_string(), to_string(a.protocols));
}

Finding conflict(std::string_view file, SourcePosition where, std::string code,
                 const std::string& message, std::optional<PortRange> ports, std::string service) {
    Finding f;
    f.severity = Severity::error;
    f.code = std::move(code);
    f.message = position_prefix(file, where) + message;
    f.ports = ports;
    f.service = std::move(service);
    return f;
}

// Conflicts between well-formed entries: duplicates, overlaps, outside range or pool.
std::vector<Finding> find_conflicts(const Registry& r, std::string_view file) {
    std::vector<Finding> out;
    const auto& range = r.range;

    std::vector<const Pool*> pools;
    pools.reserve(r.pools.size());
    for (const auto& p : r.pools) {
        pools.push_back(&p);
    }
    std::sort(pools.begin(), pools.end(),
              [](const Pool* a, const Pool* b) { return a->ports < b->ports; });
    std::map<std::string, const Pool*> pool_by_name;
    for (std::size_t i = 0; i < pools.size(); ++i) {
        const Pool& p = *pools[i];
        if (!pool_by_name.emplace(p.name, &p).second) {
            out.push_back(conflict(file, p.where, "duplicate-name",
                                   fmt::format("duplicate pool name {}", p.name), p.ports, p.name));
        }
        if (!range.contains(p.ports)) {
            out.push_back(conflict(file, p.where, "outside-range",
                                   fmt::format("pool {} ({}) is outside the range {}", p.name,
                                               p.ports.to_string(), range.to_string()),
                                   p.ports, p.name));
        }
        if (i > 0 && pools[i - 1]->ports.overlaps(p.ports)) {
            out.push_back(conflict(
                file, p.where, "pool-overlap",
                fmt::format("pool {} ({}) overlaps pool {} ({})", p.name, p.ports.to_string(),
                            pools[i - 1]->name, pools[i - 1]->ports.to_string()),
                p.ports, p.name));
        }
    }

    std::map<std::string, const Allocation*> by_name;
    for (const auto& a : r.allocations) {
        if (auto [it, fresh] = by_name.emplace(a.name, &a); !fresh) {
            out.push_back(conflict(file, a.where, "duplicate-name",
                                   fmt::format("duplicate service name {} (first at line {})",
                                               a.name, it->second->where.line),
                                   a.ports, a.name));
        }
        if (!range.contains(a.ports)) {
            out.push_back(
                conflict(file, a.where, "outside-range",
                         fmt::format("{} is outside the range {}", label(a), range.to_string()),
                         a.ports, a.name));
        }
        if (!a.pool.empty()) {
            auto it = pool_by_name.find(a.pool);
            if (it == pool_by_name.end()) {
                out.push_back(conflict(
                    file, a.where, "unknown-pool",
                    fmt::format("{} names pool {}, which is not defined", label(a), a.pool),
                    a.ports, a.name));
            } else if (!it->second->ports.contains(a.ports)) {
                out.push_back(conflict(file, a.where, "outside-pool",
                                       fmt::format("{} is outside its pool {} ({})", label(a),
                                                   a.pool, it->second->ports.to_string()),
                                       a.ports, a.name));
            }
        } else {
            for (const Pool* p : pools) {
                if (p->ports.overlaps(a.ports)) {
                    out.push_back(conflict(
                        file, a.where, "outside-pool",
                        fmt::format("{} lies in pool {} ({}) but does not name it (add pool = "
                                    "\"{}\")",
                                    label(a), p->name, p->ports.to_string(), p->name),
                        a.ports, a.name));
                    break;
                }
            }
        }
    }

    // Overlapping ports per protocol: sweep entries in port order, remembering the entry that
    // reaches furthest so far.
    for (Protocols proto : {Protocols::tcp, Protocols::udp}) {
        std::vector<const Allocation*> sorted;
        for (const auto& a : r.allocations) {
            if (shares_protocol(a.protocols, proto)) {
                sorted.push_back(&a);
            }
        }
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const Allocation* a, const Allocation* b) {
                             return a->ports.first < b->ports.first;
                         });
        const Allocation* reach = nullptr;
        for (const Allocation* a : sorted) {
            if (reach != nullptr && a->ports.first <= reach->ports.last) {
                // Report once per pair; tcp+udp pairs are reported under tcp only.
                if (proto == Protocols::tcp || !has_tcp(a->protocols) ||
                    !has_tcp(reach->protocols)) {
                    const Allocation* later = a->where.line >= reach->where.line ? a : reach;
                    const Allocation* earlier = later == a ? reach : a;
                    out.push_back(conflict(
                        file, later->where, "duplicate-port",
                        fmt::format("duplicate port {}/{} ({}, {})", a->ports.first,
                                    to_string(proto), earlier->name, later->name),
                        PortRange{a->ports.first, std::min(a->ports.last, reach->ports.last)},
                        later->name));
                }
            }
            if (reach == nullptr || a->ports.last > reach->ports.last) {
                reach = a;
            }
        }
    }
    return out;
}

}  // namespace

Decoded decode_registry(const DocNode& root, std::string_view file, PortRange range) {
    Decoded out;
    Registry& r = out.registry;
    r.range = range;
    Decoder d(file);
    if (root.kind != DocNode::Kind::table) {
        d.error(root.where, "the registry must be a table of keys");
        return out;
    }
    d.each_key(
        root, "the registry", k_root_keys, [&](const std::string& key, const DocNode& value) {
            if (key == "schema_version") {
                if (auto v = d.integer(value, key)) {
                    if (*v != k_schema_version) {
                        d.error(
                            value.where,
                            fmt::format("unsupported schema_version {} (this harmony-ports reads "
                                        "version {})",
                                        *v, k_schema_version));
                    }
                }
            } else if (key == "quarantine_days") {
                if (auto v = d.integer(value, key)) {
                    if (*v < 0 || *v > 3650) {
                        d.error(value.where, fmt::format("quarantine_days {} must be 0-3650", *v));
                    } else {
                        r.quarantine_days = static_cast<int>(*v);
                    }
                }
            } else if (key == "pool") {
                const auto* items = d.tables(value, key);
                for (const DocNode& t : items ? *items : std::vector<DocNode>{}) {
                    Pool p;
                    p.where = t.where;
                    bool ok = true;
                    int seen = 0;
                    std::optional<PortRange> ports;
                    d.each_key(t, "a pool", k_pool_keys,
                               [&](const std::string& k, const DocNode& v) {
                                   if (k == "name") {
                                       auto n = d.name(v, "pool name");
                                       ok = ok && n.has_value();
                                       p.name = n.value_or("");
                                   } else if (k == "ports") {
                                       ++seen;
                                       ports = d.ports(v, k);
                                       ok = ok && ports.has_value();
                                   } else {
                                       auto b = d.boolean(v, "reserved");
                                       ok = ok && b.has_value();
                                       p.reserved = b.value_or(false);
                                   }
                               });
                    if (p.name.empty() && ok) {
                        d.error(t.where, "pool needs a name");
                        ok = false;
                    }
                    if (seen == 0 && ok) {
                        d.error(t.where, fmt::format("pool {} needs ports = \"A-B\"", p.name));
                        ok = false;
                    }
                    if (ok) {
                        p.ports = *ports;
                        r.pools.push_back(std::move(p));
                    }
                }
            } else {
                const bool released = key == "released";
                const auto* items = d.tables(value, key);
                for (const DocNode& t : items ? *items : std::vector<DocNode>{}) {
                    Allocation a;
                    a.where = t.where;
                    std::optional<PortRange> port, ports;
                    std::optional<TimePoint> at, until;
                    int seen = 0;
                    bool ok = true;
                    auto fields = released ? std::span<const std::string_view>(k_released_keys)
                                           : std::span<const std::string_view>(k_allocation_keys);
                    d.each_key(t, released ? "a released entry" : "an allocation", fields,
                               [&](const std::string& k, const DocNode& v) {
                                   auto keep = [&](auto&& maybe, auto& into) {
                                       ok = ok && maybe.has_value();
                                       if (maybe) {
                                           into = *maybe;
                                       }
                                   };
                                   if (k == "name") {
                                       keep(d.name(v, "service name"), a.name);
                                   } else if (k == "port" || k == "ports") {
                                       ++seen;
                                       auto pr = d.ports(v, k);
                                       ok = ok && pr.has_value();
                                       (k == "port" ? port : ports) = pr;
                                   } else if (k == "protocols") {
                                       keep(d.protocols(v), a.protocols);
                                   } else if (k == "pool") {
                                       keep(d.name(v, "pool"), a.pool);
                                   } else if (k == "owner" || k == "notes") {
                                       keep(d.free_text(v, k, false),
                                            k == "owner" ? a.owner : a.notes);
                                   } else if (k == "process") {
                                       keep(d.free_text(v, k, true), a.process);
                                   } else {
                                       auto tp = d.time(v, k);
                                       ok = ok && tp.has_value();
                                       (k == "released" ? at : until) = tp;
                                   }
                               });
                    if (ok && a.name.empty()) {
                        d.error(t.where, fmt::format("{} needs a name",
                                                     released ? "released entry" : "allocation"));
                        ok = false;
                    }
                    auto what =
                        fmt::format("{} {}", released ? "released entry" : "allocation", a.name);
                    auto p = ok ? d.entry_ports(t, port, ports, seen, what) : std::nullopt;
                    if (!p) {
                        continue;
                    }
                    a.ports = *p;
                    if (!released) {
                        r.allocations.push_back(std::move(a));
                        continue;
                    }
                    if (!at || !until) {
                        d.error(t.where,
                                fmt::format("{} needs 'released' and 'until' times", what));
                        continue;
                    }
                    r.released.push_back(
                        Released{a.name, a.ports, a.protocols, *at, *until, a.where});
                }
            }
        });
    out.errors = d.take_errors();
    out.conflicts = find_conflicts(r, file);
    return out;
}

}  // namespace harmony::network::detail
