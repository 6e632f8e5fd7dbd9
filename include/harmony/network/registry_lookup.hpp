// One name looked up in a registry: what `get NAME` shows.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

// A name's entries in a registry: its allocation (none when the name was released and only
// waits in quarantine) and its quarantine entries, in canonical order.
struct NamedEntries {
    std::optional<Allocation> allocation;
    std::vector<Released> quarantine;
};

// The entries named `name` in `registry`. Error: not_found "no allocation named 'NAME' in
// LABEL" (the name made printable), with " (did you mean OTHER?)" when an allocated or
// quarantined name is close to it, when the name has neither an allocation nor a quarantine
// entry.
Expected<NamedEntries> find_named_entries(const Registry& registry, std::string_view name,
                                          std::string_view label);

// The name a person gives the default pool (the range minus the named pools, whose
// allocations carry pool ""), as `list` and the metrics show it.
inline constexpr std::string_view k_default_pool_name = "default";

// A pool found by the name a person gives it.
struct PoolLookup {
    std::string name;  // as allocations carry it: "" for the default pool
    PortRange ports;   // its ports; the default pool's: the range it is carved from
};

// The pool `name` names in `registry`: k_default_pool_name the default pool, any other name a
// named pool. Error: not_found "no pool named 'NAME' in LABEL" (the name made printable), with
// " (did you mean OTHER?)" when a pool's name (or "default") is close to it.
Expected<PoolLookup> lookup_pool(const Registry& registry, std::string_view name,
                                 std::string_view label);

}  // namespace harmony::network
