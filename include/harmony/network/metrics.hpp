// `check --format prometheus`: a check as metrics in Prometheus's text exposition format, for
// node_exporter's textfile collector (ADR-014 reserves 25090-25099 for metrics endpoints; the
// policy itself is measured here).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/finding.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

// The metrics of one check of `registry` (read from `source`) at `checked_at`, every family
// with HELP and TYPE (all gauges), accepted by `promtool check metrics`:
//   harmony_ports_check_findings{severity}          every severity, 0 when none
//   harmony_ports_check_findings_by_code{severity,code}
//   harmony_ports_check_ok                          1 when no finding is an error
//   harmony_ports_check_timestamp_seconds           checked_at, Unix time
//   harmony_ports_range_ports, _range_first_port, _range_last_port
//   harmony_ports_pool_ports{pool,reserved,state}   state allocated|quarantined|free; the
//                                                   default pool is pool="default"
//   harmony_ports_allocations                       services in the registry
//   harmony_ports_registry_info{digest,schema,source,version}  always 1
// Label values are escaped as the format asks; `source` is made printable (terminal_safe).
// Deterministic.
std::string render_check_metrics(const Registry& registry, const std::vector<Finding>& findings,
                                 std::string_view source, TimePoint checked_at);

}  // namespace harmony::network
