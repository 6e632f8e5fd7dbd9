// `check` as one call: the registry's own conflicts, the policy, and optionally the host.
#pragma once

#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/host_scan.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_store.hpp>

namespace harmony::network {

// What a check looks at besides the policy.
struct CheckOptions {
    bool host = false;                          // also what listens on this host now
    ScanSource source = ScanSource::automatic;  // where the host's sockets are read
};

// Policy findings for `registry` (check_policy with this host's facts) and, with
// options.host, check_host for a scan of the registry's range, most severe first. Facts and
// sockets are those of the calling thread's network namespace. Errors: the scanner's.
Expected<std::vector<Finding>> check_registry(const Registry& registry,
                                              const CheckOptions& options);

// A store's registry as a check read it, and what the check found.
struct StoreCheck {
    Registry registry;
    std::vector<Finding> findings;
};

// Reads `store` leniently (conflicts between entries become findings, not errors), then
// check_registry; the registry's own findings come first within a severity. Errors: the
// store's read errors, the scanner's.
Expected<StoreCheck> check_store(RegistryStore& store, const CheckOptions& options);

}  // namespace harmony::network
