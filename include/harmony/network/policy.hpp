// Policy findings: what `harmony-ports check` reports about a range and a registry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <harmony/network/port_range.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

enum class Severity { info, warning, error };

std::string_view to_string(Severity s) noexcept;

// One finding. `code` is a stable kebab-case identifier documented in the README.
struct Finding {
    Severity severity = Severity::info;
    std::string code;
    std::string message;
    std::optional<PortRange> ports;  // the ports involved, if any
    std::string service;             // the service involved, if any
    std::string platform;            // the platform involved, if any
    std::string cluster;             // the topology cluster involved, if any
};

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

// Findings about the range alone (system ports, NodePort, ephemeral ranges per OS, other
// allocators, IANA/known software) and about each allocation's ports, most severe first.
std::vector<Finding> check_policy(const Registry& registry, const HostFacts& host);

// Errors first, then warnings, then infos; the order within a severity is kept.
void sort_by_severity(std::vector<Finding>& findings);

// Counts findings of a severity.
int count_findings(const std::vector<Finding>& findings, Severity severity);

}  // namespace harmony::network
