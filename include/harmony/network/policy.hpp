// Policy findings: what `harmony-ports check` reports about a range and a registry.
#pragma once

#include <vector>

#include <harmony/network/finding.hpp>
#include <harmony/network/host_facts.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

// Findings about the range alone (system ports, NodePort, ephemeral ranges per OS, other
// allocators, IANA/known software) and about each allocation's ports, most severe first.
std::vector<Finding> check_policy(const Registry& registry, const HostFacts& host);

}  // namespace harmony::network
