// `check --fleet`: every host's latest report judged against the registry, as `check --host`
// judges this host, plus whether each host still reports and, with a topology, where it sits.
#pragma once

#include <chrono>
#include <vector>

#include <harmony/network/finding.hpp>
#include <harmony/network/fleet_store.hpp>
#include <harmony/network/host_report.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/topology.hpp>

namespace harmony::network {

// How far a report's stamp may lie ahead of the checker's clock before it is a clock problem.
inline constexpr std::chrono::seconds k_report_clock_tolerance{60};

// Findings for every report, each carrying Finding::host (and Finding::cluster when the
// topology places the host), in report order, most severe first:
//  - check_host's codes (port-in-use, wrong-process, not-listening, owners-unknown,
//    ephemeral-not-reserved) from the report's sockets and facts, on the ports it scanned;
//  - host-stale (warning): the report is older than three of its intervals (by `received`
//    when set, else its own stamp); its sockets are not judged, they may no longer hold;
//  - host-clock-skew (warning): the report's stamp lies more than k_report_clock_tolerance
//    ahead of `now` or of when the store received it; it counts as fresh;
// and with a topology: not-listening only for services the host's cluster runs, no
// port-in-use on a port the cluster declares as its own ([cluster.ports]), and
//  - host-missing (warning): a host the topology lists has no report;
//  - host-not-in-topology (info): a report from a host no cluster lists.
std::vector<Finding> check_fleet(const Registry& registry, const std::vector<HostReport>& reports,
                                 TimePoint now, const Topology* topology);

// The store's entries as reports (each parsed with parse_host_report and stamped `received`
// with the store's time), then check_fleet; an entry that does not parse becomes a
// host-report-invalid finding (warning) with the parser's message.
std::vector<Finding> check_fleet_entries(const Registry& registry,
                                         const std::vector<HostReportEntry>& entries, TimePoint now,
                                         const Topology* topology);

}  // namespace harmony::network
