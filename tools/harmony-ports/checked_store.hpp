// What `check` and `map` share: the store they read (the registry file's or the fleet's) and
// the fleet reports' findings.
#pragma once

#include <memory>
#include <vector>

#include <harmony/network/fleet_store.hpp>
#include <harmony/network/registry_store.hpp>
#include <harmony/network/topology.hpp>

#include "context.hpp"

namespace harmony::cli {

// The store a check reads: the registry file's or, with `fleet`, the fleet store (whose
// hosts' reports are judged too).
struct ChosenStore {
    std::unique_ptr<RegistryStore> store;
    FleetRegistryStore* fleet = nullptr;  // with --fleet: the same store, for its reports
    RegistryStore& get() { return *store; }
};

// Opens the registry file's store, or the fleet store when `fleet`.
Expected<ChosenStore> open_chosen_store(const GlobalOptions& global, bool fleet);

// Every host's latest report in `store` judged against `registry` (check_fleet_entries at
// this moment), tied to `topology`'s clusters when given.
std::vector<Finding> fleet_findings(const std::vector<HostReportEntry>& entries,
                                    const Registry& registry, const Topology* topology);

}  // namespace harmony::cli
