// Exports: the registry rendered for documents and other tools.
#pragma once

#include <string>

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

}  // namespace harmony::network
