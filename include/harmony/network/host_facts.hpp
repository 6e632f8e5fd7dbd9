// Facts about this host's kernel port settings that the policy and host checks use.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/port_range.hpp>

namespace harmony::network {

// Facts about the host that policy checks use. Leave unset to skip the related check.
struct HostFacts {
    std::optional<PortRange> linux_ephemeral;        // this host's net.ipv4.ip_local_port_range
    std::optional<std::vector<PortRange>> reserved;  // net.ipv4.ip_local_reserved_ports
};

// Parses a kernel port list as in ip_local_reserved_ports: "25000-25999,30000" (empty: no
// ports). Error: invalid_argument naming the bad item.
Expected<std::vector<PortRange>> parse_port_list(std::string_view text);

// True when every port of `range` is in one of `list`.
bool covers(const std::vector<PortRange>& list, const PortRange& range);

// Reads HostFacts from /proc (missing files leave fields unset; never fails).
HostFacts read_host_facts();

}  // namespace harmony::network
