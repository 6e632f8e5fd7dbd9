// Canonical registry text: fixed key order, sorted entries, every string escaped.
#include <harmony/network/registry_file.hpp>

#include <charconv>

#include <fmt/format.h>

namespace harmony::network {
namespace {

// A double-quoted string valid in both TOML basic strings and YAML double-quoted scalars.
std::string quote_string(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (u < 0x20 || u == 0x7f) {
                    out += fmt::format("\\u{:04X}", u);
                } else {
                    out += c;
                }
        }
    }
    return out + "\"";
}

// The three protocol lists, spelled once: rendering runs on every write.
std::string_view protocols_value(Protocols p) {
    switch (p) {
        case Protocols::tcp:
            return R"(["tcp"])";
        case Protocols::udp:
            return R"(["udp"])";
        case Protocols::tcp_udp:
            return R"(["tcp", "udp"])";
    }
    return R"(["tcp"])";
}

// Writes key/value lines; TOML uses "key = value", YAML "key: value" under a list item.
// Plain appends, no format strings: rendering is on the path of every write.
class Writer {
  public:
    explicit Writer(RegistryFormat format) : m_yaml(format == RegistryFormat::yaml) {}

    void comment(std::string_view text) {
        m_out += "# ";
        m_out += text;
        m_out += '\n';
    }
    void top(std::string_view key, std::string_view value) {
        m_out += key;
        m_out += m_yaml ? ": " : " = ";
        m_out += value;
        m_out += '\n';
    }
    void begin_list(std::string_view key) {
        if (m_yaml) {
            m_out += '\n';
            m_out += key;
            m_out += ":\n";
        }
        m_list = key;
    }
    void begin_item() {
        if (!m_yaml) {
            m_out += "\n[[";
            m_out += m_list;
            m_out += "]]\n";
        }
        m_first_field = true;
    }
    void field(std::string_view key, std::string_view value) {
        if (m_yaml) {
            m_out += m_first_field ? "  - " : "    ";
            m_out += key;
            m_out += ": ";
        } else {
            m_out += key;
            m_out += " = ";
        }
        m_out += value;
        m_out += '\n';
        m_first_field = false;
    }
    void optional(std::string_view key, const std::string& value) {
        if (!value.empty()) {
            field(key, quote_string(value));
        }
    }
    void ports(const PortRange& ports) {
        if (ports.first == ports.last) {
            field("port", number(ports.first));
        } else {
            field("ports", quote_string(ports.to_string()));
        }
    }
    std::string take() { return std::move(m_out); }

    static std::string number(long value) {
        char buffer[24];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
        return std::string(buffer, end);
    }

  private:
    bool m_yaml;
    bool m_first_field = true;
    std::string m_list;
    std::string m_out;
};

}  // namespace

std::string render_registry(const Registry& input, RegistryFormat format) {
    Registry sorted;
    const Registry* canonical = &input;
    if (!is_canonical(input)) {
        sorted = input;
        canonicalize(sorted);
        canonical = &sorted;
    }
    const Registry& r = *canonical;
    Writer w(format);
    w.comment(fmt::format("Harmony port registry (ADR-014), range {} from harmony.toml.",
                          r.range.to_string()));
    w.comment("Written by harmony-ports in canonical order; prefer `harmony-ports allocate`.");
    w.top("schema_version", Writer::number(r.schema_version));
    w.top("quarantine_days", Writer::number(r.quarantine_days));
    if (!r.pools.empty()) {
        w.begin_list("pool");
        for (const auto& p : r.pools) {
            w.begin_item();
            w.field("name", quote_string(p.name));
            w.field("ports", quote_string(p.ports.to_string()));
            w.field("reserved", p.reserved ? "true" : "false");
        }
    }
    if (!r.allocations.empty()) {
        w.begin_list("allocation");
        for (const auto& a : r.allocations) {
            w.begin_item();
            w.field("name", quote_string(a.name));
            w.ports(a.ports);
            w.field("protocols", protocols_value(a.protocols));
            w.optional("pool", a.pool);
            w.optional("owner", a.owner);
            w.optional("notes", a.notes);
            w.optional("process", a.process);
        }
    }
    if (!r.released.empty()) {
        w.begin_list("released");
        for (const auto& e : r.released) {
            w.begin_item();
            w.field("name", quote_string(e.name));
            w.ports(e.ports);
            w.field("protocols", protocols_value(e.protocols));
            w.field("released", quote_string(format_time(e.released_at)));
            w.field("until", quote_string(format_time(e.until)));
        }
    }
    return w.take();
}

std::string render_harmony_config(PortRange range) {
    return fmt::format(
        "# Harmony configuration. harmony-ports reads the key below; other keys are Harmony's.\n"
        "[harmony.network.defaults]\n"
        "orchestrator_port_range = \"{}-{}\"\n",
        range.first, range.last);
}

}  // namespace harmony::network
