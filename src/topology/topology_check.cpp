// `check --topology`: one pass over clusters, their services and local ports, with a holder
// per port and protocol, so thousands of clusters stay interactive.
#include <algorithm>
#include <array>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include <harmony/network/topology.hpp>

#include "core/port_index.hpp"
#include "registry/doc_node.hpp"
#include "util/did_you_mean.hpp"

namespace harmony::network {
namespace {

// How many distinct unknown service names get a "did you mean" suggestion (in file order).
constexpr std::size_t k_max_suggested_names = 20;

// Who uses a port in the topology: a service (by id) in a cluster.
struct User {
    int service = -1;
    int cluster = -1;
};

class Checker {
  public:
    Checker(const Registry& registry, const Topology& topology, std::string_view file)
        : m_registry(registry), m_topology(topology), m_file(file), m_index(registry) {
        for (auto& users : m_users) {
            users.assign(65536, User{});
        }
        for (const auto& a : registry.allocations) {
            m_allocation[a.name] = &a;
        }
    }

    std::vector<Finding> run() {
        for (std::size_t c = 0; c < m_topology.clusters.size(); ++c) {
            const Cluster& cluster = m_topology.clusters[c];
            check_nodeports(cluster);
            for (const auto& service : cluster.services) {
                check_service(static_cast<int>(c), service);
            }
            for (const auto& local : cluster.ports) {
                check_local(static_cast<int>(c), local);
            }
        }
        // File order (all are errors), as the reader reports problems.
        std::stable_sort(m_out.begin(), m_out.end(), [](const auto& a, const auto& b) {
            return std::tie(a.first.line, a.first.column) < std::tie(b.first.line, b.first.column);
        });
        std::vector<Finding> out;
        out.reserve(m_out.size());
        for (auto& [where, finding] : m_out) {
            out.push_back(std::move(finding));
        }
        return out;
    }

  private:
    void add(std::string code, SourcePosition where, const std::string& message,
             const Cluster& cluster, std::string service, PortRange ports) {
        Finding f(Severity::error, std::move(code),
                  detail::position_prefix(m_file, where) + message);
        f.cluster = cluster.name;
        f.service = std::move(service);
        f.ports = ports;
        m_out.emplace_back(where, std::move(f));
    }

    int service_id(const std::string& name) {
        auto [it, added] = m_service_ids.try_emplace(name, static_cast<int>(m_names.size()));
        if (added) {
            m_names.push_back(name);
        }
        return it->second;
    }

    void check_nodeports(const Cluster& cluster) {
        if (cluster.nodeport_range && cluster.nodeport_range->overlaps(m_registry.range)) {
            const PortRange shared{std::max(cluster.nodeport_range->first, m_registry.range.first),
                                   std::min(cluster.nodeport_range->last, m_registry.range.last)};
            add("range-overlaps-nodeport", cluster.where,
                fmt::format("cluster {}'s NodePort range {} overlaps the orchestrator range {} at "
                            "{}: Kubernetes can give those ports to NodePort services",
                            cluster.name, cluster.nodeport_range->to_string(),
                            m_registry.range.to_string(), shared.to_string()),
                cluster, "", shared);
        }
    }

    void check_service(int c, const ClusterService& service) {
        const Cluster& cluster = m_topology.clusters[static_cast<std::size_t>(c)];
        auto it = m_allocation.find(service.name);
        if (it == m_allocation.end()) {
            const std::string& hint = hint_for(service.name);
            add("unknown-service", service.where,
                fmt::format("cluster {} runs '{}', which is not in the registry{}", cluster.name,
                            service.name,
                            hint.empty() ? "" : fmt::format(" (did you mean {}?)", hint)),
                cluster, service.name, {});
            return;
        }
        const Allocation& a = *it->second;
        use(c, service_id(a.name), a.ports, a.protocols, service.where);
    }

    // "Did you mean" for an unknown service name: computed once per name, and for the first
    // k_max_suggested_names distinct names only, so a topology full of unknown names costs
    // about what known names cost (one search is a pass over every registry name).
    const std::string& hint_for(const std::string& name) {
        static const std::string k_none;
        if (auto known = m_hints.find(name); known != m_hints.end()) {
            return known->second;
        }
        if (m_hints.size() >= k_max_suggested_names) {
            return k_none;
        }
        if (m_names_for_hints.empty()) {
            for (const auto& a : m_registry.allocations) {
                m_names_for_hints.push_back(a.name);
            }
        }
        return m_hints.emplace(name, util::closest_match(name, m_names_for_hints)).first->second;
    }

    void check_local(int c, const LocalPort& local) {
        const Cluster& cluster = m_topology.clusters[static_cast<std::size_t>(c)];
        // The same name elsewhere (registry or another cluster) on other ports.
        PortRange expected = local.ports;
        std::string where_else;
        if (auto it = m_allocation.find(local.name); it != m_allocation.end()) {
            expected = it->second->ports;
            where_else = "the registry has it on";
        } else if (auto seen = m_local_ports.find(local.name); seen != m_local_ports.end()) {
            expected = seen->second.first;
            where_else = fmt::format(
                "cluster {} has it on",
                m_topology.clusters[static_cast<std::size_t>(seen->second.second)].name);
        } else {
            m_local_ports.emplace(local.name, std::pair{local.ports, c});
        }
        if (expected != local.ports) {
            add("mirroring-broken", local.where,
                fmt::format("cluster {} puts {} on {}, but {} {}: a service must use the same "
                            "port in every cluster",
                            cluster.name, local.name, local.ports.to_string(), where_else,
                            expected.to_string()),
                cluster, local.name, local.ports);
            return;
        }
        // A local port on a registry service's port.
        for (Protocols p : {Protocols::tcp, Protocols::udp}) {
            if (!shares_protocol(local.protocols, p)) {
                continue;
            }
            for (std::uint32_t port = local.ports.first; port <= local.ports.last; ++port) {
                const Allocation* holder = m_index.holder(static_cast<Port>(port), p);
                if (holder != nullptr && holder->name != local.name) {
                    add("override-collides", local.where,
                        fmt::format("cluster {}'s local port {} {}/{} collides with registry "
                                    "service {} ({}/{})",
                                    cluster.name, local.name, local.ports.to_string(), to_string(p),
                                    holder->name, holder->ports.to_string(),
                                    to_string(holder->protocols)),
                        cluster, local.name, local.ports);
                    return;
                }
            }
        }
        use(c, service_id(local.name), local.ports, local.protocols, local.where);
    }

    // Records that `service` uses `ports` in cluster `c`; a port already used by another
    // service anywhere in the topology is a topology-port-reuse (once per pair).
    void use(int c, int service, PortRange ports, Protocols protocols, SourcePosition where) {
        for (Protocols p : {Protocols::tcp, Protocols::udp}) {
            if (!shares_protocol(protocols, p)) {
                continue;
            }
            auto& users = m_users[p == Protocols::tcp ? 0 : 1];
            for (std::uint32_t port = ports.first; port <= ports.last; ++port) {
                User& u = users[port];
                if (u.service >= 0 && u.service != service) {
                    const auto pair =
                        std::pair{std::min(u.service, service), std::max(u.service, service)};
                    if (m_reported
                            .insert(static_cast<std::uint64_t>(pair.first) << 32 |
                                    static_cast<std::uint32_t>(pair.second))
                            .second) {
                        const Cluster& here = m_topology.clusters[static_cast<std::size_t>(c)];
                        const Cluster& there =
                            m_topology.clusters[static_cast<std::size_t>(u.cluster)];
                        add("topology-port-reuse", where,
                            fmt::format("port {}/{} is used by {} in cluster {} and by {} in "
                                        "cluster {}",
                                        port, to_string(p),
                                        m_names[static_cast<std::size_t>(u.service)], there.name,
                                        m_names[static_cast<std::size_t>(service)], here.name),
                            here, m_names[static_cast<std::size_t>(service)],
                            PortRange{static_cast<Port>(port), static_cast<Port>(port)});
                    }
                    continue;
                }
                u = User{service, c};
            }
        }
    }

    const Registry& m_registry;
    const Topology& m_topology;
    std::string_view m_file;
    detail::PortIndex m_index;
    std::unordered_map<std::string, const Allocation*> m_allocation;
    std::unordered_map<std::string, std::pair<PortRange, int>> m_local_ports;
    std::unordered_map<std::string, int> m_service_ids;
    std::vector<std::string> m_names;
    std::vector<std::string> m_names_for_hints;
    std::unordered_map<std::string, std::string> m_hints;  // unknown name -> suggestion or ""
    std::array<std::vector<User>, 2> m_users;
    std::unordered_set<std::uint64_t> m_reported;
    std::vector<std::pair<SourcePosition, Finding>> m_out;
};

}  // namespace

std::vector<Finding> check_topology(const Registry& registry, const Topology& topology,
                                    std::string_view file) {
    return Checker(registry, topology, file).run();
}

}  // namespace harmony::network
