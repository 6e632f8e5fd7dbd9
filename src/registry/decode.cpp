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

    // The messages in file order (tables arrive in key order from toml++); `first` is where
    // the first one is.
    std::vector<std::string> take_errors(SourcePosition& first) {
        std::stable_sort(m_errors.begin(), m_errors.end(), [](const auto& a, const auto& b) {
            return std::tie(a.first.line, a.first.column) < std::tie(b.first.line, b.first.column);
        });
        if (!m_errors.empty()) {
            first = m_errors.front().first;
        }
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

// Finds conflicts between well-formed entries: duplicates, overlaps, outside range or pool.
class ConflictFinder {
  public:
    ConflictFinder(const Registry& r, std::string_view file) : m_registry(r), m_file(file) {
        m_pools.reserve(r.pools.size());
        for (const auto& p : r.pools) {
            m_pools.push_back(&p);
        }
        std::sort(m_pools.begin(), m_pools.end(),
                  [](const Pool* a, const Pool* b) { return a->ports < b->ports; });
    }

    std::vector<Finding> run() {
        pools();
        allocations();
        for (Protocols proto : {Protocols::tcp, Protocols::udp}) {
            duplicate_ports(proto);
        }
        return std::move(m_out);
    }

  private:
    void add(SourcePosition where, std::string code, const std::string& message,
             std::optional<PortRange> ports, std::string service) {
        m_out.push_back(
            conflict(m_file, where, std::move(code), message, ports, std::move(service)));
    }

    void pools() {
        const PortRange& range = m_registry.range;
        for (std::size_t i = 0; i < m_pools.size(); ++i) {
            const Pool& p = *m_pools[i];
            if (!m_pool_by_name.emplace(p.name, &p).second) {
                add(p.where, "duplicate-name", fmt::format("duplicate pool name {}", p.name),
                    p.ports, p.name);
            }
            if (!range.contains(p.ports)) {
                add(p.where, "outside-range",
                    fmt::format("pool {} ({}) is outside the range {}", p.name, p.ports.to_string(),
                                range.to_string()),
                    p.ports, p.name);
            }
            if (i > 0 && m_pools[i - 1]->ports.overlaps(p.ports)) {
                add(p.where, "pool-overlap",
                    fmt::format("pool {} ({}) overlaps pool {} ({})", p.name, p.ports.to_string(),
                                m_pools[i - 1]->name, m_pools[i - 1]->ports.to_string()),
                    p.ports, p.name);
            }
        }
    }

    void allocations() {
        std::map<std::string, const Allocation*> by_name;
        for (const auto& a : m_registry.allocations) {
            if (auto [it, fresh] = by_name.emplace(a.name, &a); !fresh) {
                add(a.where, "duplicate-name",
                    fmt::format("duplicate service name {} (first at line {})", a.name,
                                it->second->where.line),
                    a.ports, a.name);
            }
            if (!m_registry.range.contains(a.ports)) {
                add(a.where, "outside-range",
                    fmt::format("{} is outside the range {}", label(a),
                                m_registry.range.to_string()),
                    a.ports, a.name);
            }
            if (a.pool.empty()) {
                unnamed_pool(a);
            } else {
                named_pool(a);
            }
        }
    }

    void named_pool(const Allocation& a) {
        auto it = m_pool_by_name.find(a.pool);
        if (it == m_pool_by_name.end()) {
            add(a.where, "unknown-pool",
                fmt::format("{} names pool {}, which is not defined", label(a), a.pool), a.ports,
                a.name);
        } else if (!it->second->ports.contains(a.ports)) {
            add(a.where, "outside-pool",
                fmt::format("{} is outside its pool {} ({})", label(a), a.pool,
                            it->second->ports.to_string()),
                a.ports, a.name);
        }
    }

    void unnamed_pool(const Allocation& a) {
        for (const Pool* p : m_pools) {
            if (p->ports.overlaps(a.ports)) {
                add(a.where, "outside-pool",
                    fmt::format("{} lies in pool {} ({}) but does not name it (add pool = "
                                "\"{}\")",
                                label(a), p->name, p->ports.to_string(), p->name),
                    a.ports, a.name);
                return;
            }
        }
    }

    // Overlapping ports of one protocol: a sweep over entries in port order, remembering the
    // entry that reaches furthest so far.
    void duplicate_ports(Protocols proto) {
        std::vector<const Allocation*> sorted;
        for (const auto& a : m_registry.allocations) {
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
            // Report once per pair; tcp+udp pairs are reported under tcp only.
            if (reach != nullptr && a->ports.first <= reach->ports.last &&
                (proto == Protocols::tcp || !has_tcp(a->protocols) || !has_tcp(reach->protocols))) {
                duplicate_port(*a, *reach, proto);
            }
            if (reach == nullptr || a->ports.last > reach->ports.last) {
                reach = a;
            }
        }
    }

    void duplicate_port(const Allocation& a, const Allocation& reach, Protocols proto) {
        const Allocation& later = a.where.line >= reach.where.line ? a : reach;
        const Allocation& earlier = &later == &a ? reach : a;
        add(later.where, "duplicate-port",
            fmt::format("duplicate port {}/{} ({}, {})", a.ports.first, to_string(proto),
                        earlier.name, later.name),
            PortRange{a.ports.first, std::min(a.ports.last, reach.ports.last)}, later.name);
    }

    const Registry& m_registry;
    std::string_view m_file;
    std::vector<const Pool*> m_pools;  // by ports
    std::map<std::string, const Pool*> m_pool_by_name;
    std::vector<Finding> m_out;
};

// Sets `into` from `maybe` when it holds a value; clears `ok` when it does not.
template <typename T, typename Into>
void keep(bool& ok, const std::optional<T>& maybe, Into& into) {
    ok = ok && maybe.has_value();
    if (maybe) {
        into = *maybe;
    }
}

// A [[pool]] table as read so far.
struct PoolFields {
    Pool pool;
    std::optional<PortRange> ports;
    int seen = 0;  // 'ports' keys
    bool ok = true;
};

// An [[allocation]] or [[released]] table as read so far.
struct EntryFields {
    Allocation entry;
    std::optional<PortRange> port, ports;
    std::optional<TimePoint> released, until;
    int seen = 0;  // 'port' and 'ports' keys
    bool ok = true;
};

// The content model: one function per key of the root and per kind of table.
class RegistryReader {
  public:
    RegistryReader(Decoder& decoder, Registry& registry)
        : m_decoder(decoder), m_registry(registry) {}

    void root(const DocNode& root) {
        m_decoder.each_key(
            root, "the registry", k_root_keys,
            [this](const std::string& key, const DocNode& value) { root_key(key, value); });
    }

  private:
    void root_key(const std::string& key, const DocNode& value) {
        if (key == "schema_version") {
            schema_version(value);
        } else if (key == "quarantine_days") {
            quarantine_days(value);
        } else if (key == "pool") {
            for (const DocNode& table : tables(value, key)) {
                pool(table);
            }
        } else {
            for (const DocNode& table : tables(value, key)) {
                entry(table, key == "released");
            }
        }
    }

    std::span<const DocNode> tables(const DocNode& value, std::string_view key) {
        const auto* items = m_decoder.tables(value, key);
        return items != nullptr ? std::span<const DocNode>(*items) : std::span<const DocNode>();
    }

    void schema_version(const DocNode& value) {
        auto v = m_decoder.integer(value, "schema_version");
        if (v && *v != k_schema_version) {
            m_decoder.error(value.where,
                            fmt::format("unsupported schema_version {} (this harmony-ports reads "
                                        "version {})",
                                        *v, k_schema_version));
        }
    }

    void quarantine_days(const DocNode& value) {
        auto v = m_decoder.integer(value, "quarantine_days");
        if (!v) {
            return;
        }
        if (*v < 0 || *v > k_max_quarantine_days) {
            m_decoder.error(value.where, fmt::format("quarantine_days {} must be 0-{}", *v,
                                                     k_max_quarantine_days));
        } else {
            m_registry.quarantine_days = static_cast<int>(*v);
        }
    }

    void pool(const DocNode& table) {
        PoolFields f;
        f.pool.where = table.where;
        m_decoder.each_key(
            table, "a pool", k_pool_keys,
            [&](const std::string& key, const DocNode& value) { pool_key(f, key, value); });
        if (f.pool.name.empty() && f.ok) {
            m_decoder.error(table.where, "pool needs a name");
            f.ok = false;
        }
        if (f.seen == 0 && f.ok) {
            m_decoder.error(table.where, fmt::format("pool {} needs ports = \"A-B\"", f.pool.name));
            f.ok = false;
        }
        if (f.ok) {
            f.pool.ports = *f.ports;
            m_registry.pools.push_back(std::move(f.pool));
        }
    }

    void pool_key(PoolFields& f, const std::string& key, const DocNode& value) {
        if (key == "name") {
            keep(f.ok, m_decoder.name(value, "pool name"), f.pool.name);
        } else if (key == "ports") {
            ++f.seen;
            f.ports = m_decoder.ports(value, key);
            f.ok = f.ok && f.ports.has_value();
        } else {
            keep(f.ok, m_decoder.boolean(value, "reserved"), f.pool.reserved);
        }
    }

    void entry(const DocNode& table, bool released) {
        EntryFields f;
        f.entry.where = table.where;
        auto keys = released ? std::span<const std::string_view>(k_released_keys)
                             : std::span<const std::string_view>(k_allocation_keys);
        m_decoder.each_key(
            table, released ? "a released entry" : "an allocation", keys,
            [&](const std::string& key, const DocNode& value) { entry_key(f, key, value); });
        const char* kind = released ? "released entry" : "allocation";
        if (f.ok && f.entry.name.empty()) {
            m_decoder.error(table.where, fmt::format("{} needs a name", kind));
            f.ok = false;
        }
        const auto what = fmt::format("{} {}", kind, f.entry.name);
        auto ports =
            f.ok ? m_decoder.entry_ports(table, f.port, f.ports, f.seen, what) : std::nullopt;
        if (!ports) {
            return;
        }
        f.entry.ports = *ports;
        if (!released) {
            m_registry.allocations.push_back(std::move(f.entry));
        } else if (!f.released || !f.until) {
            m_decoder.error(table.where,
                            fmt::format("{} needs 'released' and 'until' times", what));
        } else {
            const Allocation& a = f.entry;
            m_registry.released.push_back(
                Released{a.name, a.ports, a.protocols, *f.released, *f.until, a.where});
        }
    }

    void entry_key(EntryFields& f, const std::string& key, const DocNode& value) {
        Allocation& a = f.entry;
        if (key == "name") {
            keep(f.ok, m_decoder.name(value, "service name"), a.name);
        } else if (key == "port" || key == "ports") {
            ++f.seen;
            auto ports = m_decoder.ports(value, key);
            f.ok = f.ok && ports.has_value();
            (key == "port" ? f.port : f.ports) = ports;
        } else if (key == "protocols") {
            keep(f.ok, m_decoder.protocols(value), a.protocols);
        } else if (key == "pool") {
            keep(f.ok, m_decoder.name(value, "pool"), a.pool);
        } else if (key == "owner" || key == "notes") {
            keep(f.ok, m_decoder.free_text(value, key, false), key == "owner" ? a.owner : a.notes);
        } else if (key == "process") {
            keep(f.ok, m_decoder.free_text(value, key, true), a.process);
        } else {
            auto time = m_decoder.time(value, key);
            f.ok = f.ok && time.has_value();
            (key == "released" ? f.released : f.until) = time;
        }
    }

    Decoder& m_decoder;
    Registry& m_registry;
};

}  // namespace

Decoded decode_registry(const DocNode& root, std::string_view file, PortRange range) {
    Decoded out;
    out.registry.range = range;
    Decoder decoder(file);
    if (root.kind != DocNode::Kind::table) {
        decoder.error(root.where, "the registry must be a table of keys");
        out.errors = decoder.take_errors(out.first_error);
        return out;
    }
    RegistryReader(decoder, out.registry).root(root);
    out.errors = decoder.take_errors(out.first_error);
    out.conflicts = ConflictFinder(out.registry, file).run();
    return out;
}

}  // namespace harmony::network::detail
