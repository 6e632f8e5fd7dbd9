// Topology files: the positioned TOML tree (shared with the registry reader) decoded into
// clusters, collecting every problem with its position.
#include <algorithm>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>

#include <harmony/network/file_io.hpp>
#include <harmony/network/service_name.hpp>
#include <harmony/network/topology.hpp>

#include "registry/doc_node.hpp"
#include "util/did_you_mean.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

using detail::DocNode;

class Reader {
  public:
    explicit Reader(std::string_view file) : m_file(file) {}

    void problem(SourcePosition where, const std::string& what) {
        m_problems.push_back({where, detail::position_prefix(m_file, where) + what});
    }

    Expected<Topology> finish(Topology topology) {
        if (m_problems.empty()) {
            return topology;
        }
        std::stable_sort(m_problems.begin(), m_problems.end(), [](const auto& a, const auto& b) {
            return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
        });
        std::string message;
        for (const auto& p : m_problems) {
            message += (message.empty() ? "" : "\n") + p.text;
        }
        Error error{ErrorCode::invalid_argument, std::move(message)};
        if (m_problems.front().where.line > 0) {
            error.position = detail::position_in(m_file, m_problems.front().where);
        }
        return std::unexpected(std::move(error));
    }

    void read_root(const DocNode& root, Topology& out) {
        for (const auto& entry : root.entries) {
            if (entry.key != "cluster") {
                problem(entry.key_position,
                        fmt::format("unknown key '{}': a topology holds [[cluster]] tables",
                                    util::printable_text(entry.key)));
                continue;
            }
            if (entry.value.kind != DocNode::Kind::array) {
                problem(entry.value.where, "'cluster' must be an array of tables ([[cluster]])");
                continue;
            }
            for (const auto& item : entry.value.items) {
                read_cluster(item, out);
            }
        }
    }

  private:
    struct Problem {
        SourcePosition where;
        std::string text;
    };

    void read_cluster(const DocNode& node, Topology& out) {
        if (node.kind != DocNode::Kind::table) {
            problem(node.where, "each [[cluster]] must be a table");
            return;
        }
        Cluster c;
        c.where = node.where;
        bool has_name = false, named = false;
        for (const auto& [key, value, key_at] : node.entries) {
            if (key == "name") {
                has_name = true;
                named = read_name(value, "cluster name", c.name);
            } else if (key == "kind") {
                read_kind(value, c.kind);
            } else if (key == "nodeport_range") {
                if (value.kind != DocNode::Kind::string) {
                    problem(value.where, "nodeport_range must be a string such as \"30000-32767\"");
                } else if (auto r = PortRange::parse(value.text)) {
                    c.nodeport_range = *r;
                } else {
                    problem(value.where, r.error().message);
                }
            } else if (key == "hosts") {
                read_strings(value, "hosts", c.hosts, nullptr);
            } else if (key == "services") {
                std::vector<std::string> names;
                std::vector<SourcePosition> where;
                read_strings(value, "services", names, &where);
                for (std::size_t i = 0; i < names.size(); ++i) {
                    if (auto ok = validate_service_name(names[i]); !ok) {
                        problem(where[i], ok.error().message);
                    } else {
                        c.services.push_back({names[i], where[i]});
                    }
                }
            } else if (key == "ports") {
                read_ports(value, c);
            } else {
                problem(key_at, fmt::format("unknown key '{}' in [[cluster]]: expected name, "
                                            "kind, nodeport_range, hosts, services or ports",
                                            util::printable_text(key)));
            }
        }
        if (!named) {
            if (!has_name) {
                problem(node.where, "[[cluster]] needs a name");
            }
            return;
        }
        if (c.kind.empty()) {
            problem(node.where, fmt::format("cluster {} needs a kind (one of {})", c.name,
                                            fmt::join(cluster_kinds(), ", ")));
        }
        if (!c.nodeport_range && !c.kind.empty() && c.kind != "bare-metal") {
            c.nodeport_range = PortRange{30000, 32767};  // Kubernetes' default
        }
        if (!m_cluster_names.insert(c.name).second) {
            problem(node.where, fmt::format("duplicate cluster name '{}'", c.name));
        }
        out.clusters.push_back(std::move(c));
    }

    bool read_name(const DocNode& value, std::string_view what, std::string& into) {
        if (value.kind != DocNode::Kind::string) {
            problem(value.where, fmt::format("{} must be a string", what));
            return false;
        }
        if (auto ok = validate_service_name(value.text); !ok) {
            problem(value.where, fmt::format("invalid {}: {}", what, ok.error().message));
            return false;
        }
        into = value.text;
        return true;
    }

    void read_kind(const DocNode& value, std::string& into) {
        const auto& kinds = cluster_kinds();
        if (value.kind == DocNode::Kind::string &&
            std::find(kinds.begin(), kinds.end(), value.text) != kinds.end()) {
            into = value.text;
            return;
        }
        std::vector<std::string> names(kinds.begin(), kinds.end());
        const std::string hint = value.kind == DocNode::Kind::string
                                     ? util::closest_match(value.text, names)
                                     : std::string{};
        problem(value.where,
                fmt::format("unknown cluster kind{}{}: expected one of {}",
                            value.kind == DocNode::Kind::string
                                ? " '" + util::printable_text(value.text) + "'"
                                : std::string{},
                            hint.empty() ? "" : fmt::format(" (did you mean {}?)", hint),
                            fmt::join(kinds, ", ")));
    }

    void read_strings(const DocNode& value, std::string_view what, std::vector<std::string>& into,
                      std::vector<SourcePosition>* where) {
        if (value.kind != DocNode::Kind::array) {
            problem(value.where, fmt::format("{} must be an array of strings", what));
            return;
        }
        for (const auto& item : value.items) {
            if (item.kind != DocNode::Kind::string) {
                problem(item.where, fmt::format("{} must hold strings", what));
                continue;
            }
            into.push_back(item.text);
            if (where != nullptr) {
                where->push_back(item.where);
            }
        }
    }

    // name = 25081 | "25090-25099" | { port = 25081 | ports = "A-B", protocols = [...] }
    void read_ports(const DocNode& value, Cluster& c) {
        if (value.kind != DocNode::Kind::table) {
            problem(value.where, "[cluster.ports] must be a table of name = port");
            return;
        }
        for (const auto& [key, spec, key_at] : value.entries) {
            if (auto port = read_local_port(key, spec, key_at)) {
                c.ports.push_back(std::move(*port));
            }
        }
    }

    std::optional<LocalPort> read_local_port(const std::string& key, const DocNode& spec,
                                             SourcePosition key_at) {
        LocalPort port;
        port.where = key_at;
        if (auto ok = validate_service_name(key); !ok) {
            problem(key_at, ok.error().message);
            return std::nullopt;
        }
        port.name = key;
        const DocNode* ports =
            spec.kind == DocNode::Kind::table ? read_port_table(spec, port) : &spec;
        if (ports == nullptr) {
            problem(spec.where, fmt::format("{} needs a port", key));
            return std::nullopt;
        }
        auto range = port_range_of(*ports, key);
        if (!range) {
            return std::nullopt;
        }
        port.ports = *range;
        return port;
    }

    // { port|ports = ..., protocols = [...] }: sets the protocols, returns the port value.
    const DocNode* read_port_table(const DocNode& spec, LocalPort& port) {
        const DocNode* ports = nullptr;
        for (const auto& [k, v, at] : spec.entries) {
            if (k == "port" || k == "ports") {
                ports = &v;
            } else if (k == "protocols") {
                read_protocols(v, port);
            } else {
                problem(at, fmt::format("unknown key '{}': expected port, ports or protocols",
                                        util::printable_text(k)));
            }
        }
        return ports;
    }

    void read_protocols(const DocNode& v, LocalPort& port) {
        std::vector<std::string> list;
        read_strings(v, "protocols", list, nullptr);
        unsigned bits = 0;
        for (const auto& p : list) {
            bits |= p == "tcp" ? 1U : p == "udp" ? 2U : 4U;
        }
        if (bits == 0 || bits > 3) {
            problem(v.where, "protocols must be [\"tcp\"], [\"udp\"] or [\"tcp\", \"udp\"]");
        } else {
            port.protocols = static_cast<Protocols>(bits);
        }
    }

    std::optional<PortRange> port_range_of(const DocNode& ports, const std::string& key) {
        if (ports.kind == DocNode::Kind::integer && ports.integer >= 1 && ports.integer <= 65535) {
            return PortRange{static_cast<Port>(ports.integer), static_cast<Port>(ports.integer)};
        }
        if (ports.kind == DocNode::Kind::string) {
            auto r = PortRange::parse(ports.text);
            if (!r) {
                problem(ports.where, r.error().message);
                return std::nullopt;
            }
            return *r;
        }
        problem(ports.where, fmt::format("{}: expected a port 1-65535 or a range \"A-B\"", key));
        return std::nullopt;
    }

    std::string_view m_file;
    std::vector<Problem> m_problems;
    std::unordered_set<std::string> m_cluster_names;
};

}  // namespace

const std::vector<std::string_view>& cluster_kinds() {
    static const std::vector<std::string_view> kinds = {"okd",  "openshift",  "k3d",  "k3s",
                                                        "k8s",  "kubernetes", "rke2", "microk8s",
                                                        "kind", "bare-metal"};
    return kinds;
}

Expected<Topology> parse_topology(std::string_view text, std::string_view file) {
    auto doc = detail::parse_toml_document(text, file);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    Reader reader(file);
    Topology topology;
    reader.read_root(*doc, topology);
    return reader.finish(std::move(topology));
}

Expected<Topology> read_topology_file(const std::filesystem::path& path) {
    auto input = read_input(path.native());
    if (!input) {
        return std::unexpected(input.error());
    }
    return parse_topology(input->text, input->label);
}

}  // namespace harmony::network
