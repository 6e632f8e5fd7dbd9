// What `check` and `map` share: the store they read (the registry file's or the fleet's) and
// the fleet reports' findings.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <harmony/network/fleet_store.hpp>
#include <harmony/network/registry_store.hpp>
#include <harmony/network/topology.hpp>

#include "context.hpp"
#include "live.hpp"

namespace harmony::cli {

// The store a check reads: the registry file's or, with `fleet`, the fleet store (whose
// hosts' reports are judged too), and the network namespace the command is inside.
struct ChosenStore {
    std::unique_ptr<RegistryStore> store;
    FleetRegistryStore* fleet = nullptr;    // with --fleet: the same store, for its reports
    std::optional<NetworkNamespace> netns;  // declared last: left before the store closes
    RegistryStore& get() { return *store; }
};

// Opens the registry file's store, or the fleet store when `fleet`, then enters `live`'s
// network namespace when one is named. In that order: the store's connection is made from
// this namespace, and what the command reads about the host afterwards (sockets, the
// ephemeral range) is the named namespace's, so policy and live checks judge the same host.
Expected<ChosenStore> open_chosen_store(const GlobalOptions& global, bool fleet,
                                        const HostOptions& live);

// Every host's latest report in `store` judged against `registry` (check_fleet_entries at
// this moment), tied to `topology`'s clusters when given.
std::vector<Finding> fleet_findings(const std::vector<HostReportEntry>& entries,
                                    const Registry& registry, const Topology* topology);

}  // namespace harmony::cli
