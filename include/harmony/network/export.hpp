// Exports: the registry rendered for documents and other tools.
#pragma once

#include <string>
#include <string_view>

#include <harmony/network/error.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

// The `list --json` object: {"range":{...},"pools":[...],"allocations":[...]}.
std::string render_list_json(const Registry& registry);

// `export --format json`: the list object plus schema_version, quarantine_days, process
// names and released entries. Deterministic.
std::string export_json(const Registry& registry, std::string_view source);

// `export --format markdown`: the ADR-style table of pools and allocations, escaped for
// Markdown tables. Deterministic.
std::string export_markdown(const Registry& registry, std::string_view source);

// What a firewall or kernel export covers: the whole orchestrator range, or only the ports
// the registry has allocated.
enum class ExportScope { range, allocations };

// Parses "range" or "allocations". Error: invalid_argument.
Expected<ExportScope> parse_export_scope(std::string_view text);

// `export --format sysctl`: a /etc/sysctl.d/ file setting net.ipv4.ip_local_reserved_ports
// (which covers IPv6 too) to the range or to the allocated ports, merged into runs.
// Deterministic; with no allocations in scope it sets nothing and says so.
std::string export_sysctl(const Registry& registry, std::string_view source, ExportScope scope);

}  // namespace harmony::network
