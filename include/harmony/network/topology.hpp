// A fleet: clusters and bare-metal hosts that mirror the registry's ports (ADR-014 §2, §8).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/port_range.hpp>
#include <harmony/network/protocol.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

// A port a cluster uses outside the registry ([cluster.ports] name = 25081).
struct LocalPort {
    std::string name;
    PortRange ports;
    Protocols protocols = Protocols::tcp;
    SourcePosition where;
};

// A service a cluster runs, by registry name.
struct ClusterService {
    std::string name;
    SourcePosition where;
};

struct Cluster {
    std::string name;
    std::string kind;                         // okd, openshift, k3d, k3s, ..., bare-metal
    std::optional<PortRange> nodeport_range;  // Kubernetes default unless bare-metal
    std::vector<std::string> hosts;
    std::vector<ClusterService> services;
    std::vector<LocalPort> ports;
    SourcePosition where;
};

struct Topology {
    std::vector<Cluster> clusters;
};

// The cluster kinds a topology may name.
const std::vector<std::string_view>& cluster_kinds();

// Reads a topology file (TOML: [[cluster]] tables with name, kind, nodeport_range, hosts,
// services and a [cluster.ports] table of name = port | "A-B" | {ports = ..., protocols =
// [...]}). Every problem is reported, each as "FILE:LINE:COL: what", in file order.
// Errors: parse_error (syntax, and input beyond limits.hpp: larger than k_max_input_bytes,
// nested deeper than k_max_nesting_depth, a dotted key of more than k_max_key_parts parts),
// invalid_argument (content).
Expected<Topology> parse_topology(std::string_view text, std::string_view file);

// Reads the topology file at `path` ("-": standard input, labelled "<stdin>"; see read_input)
// and parses it. Errors:
// read_file's (file_not_found, invalid_argument for a folder or device, ...), parse_topology's.
Expected<Topology> read_topology_file(const std::filesystem::path& path);

// `check --topology` findings, in time linear in the size of the topology and registry:
//  - topology-port-reuse (error): one port (and protocol) used by two services anywhere,
//    naming both services and clusters;
//  - mirroring-broken (error): a service on different ports in different clusters;
//  - unknown-service (error): a cluster names a service the registry does not have (with a
//    "did you mean" for the first 20 distinct unknown names);
//  - range-overlaps-nodeport (error): a cluster's NodePort range overlaps the orchestrator range;
//  - override-collides (error): a cluster's local port sits on a registry service's port.
std::vector<Finding> check_topology(const Registry& registry, const Topology& topology,
                                    std::string_view file);

}  // namespace harmony::network
