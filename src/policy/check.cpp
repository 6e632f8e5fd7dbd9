#include <harmony/network/check.hpp>
#include <harmony/network/host_check.hpp>
#include <harmony/network/host_facts.hpp>
#include <harmony/network/policy.hpp>

namespace harmony::network {

Expected<std::vector<Finding>> check_registry(const Registry& registry,
                                              const CheckOptions& options) {
    // Read once: the policy and the live check judge the same namespace's facts.
    const HostFacts host = read_host_facts();
    auto findings = check_policy(registry, host);
    if (options.host) {
        auto live = check_this_host(registry, options.source, host);
        if (!live) {
            return std::unexpected(live.error());
        }
        findings.insert(findings.end(), live->begin(), live->end());
    }
    sort_by_severity(findings);
    return findings;
}

Expected<StoreCheck> check_store(RegistryStore& store, const CheckOptions& options) {
    auto lenient = store.read_lenient();
    if (!lenient) {
        return std::unexpected(lenient.error());
    }
    auto findings = check_registry(lenient->registry, options);
    if (!findings) {
        return std::unexpected(findings.error());
    }
    findings->insert(findings->begin(), lenient->problems.begin(), lenient->problems.end());
    sort_by_severity(*findings);
    return StoreCheck{std::move(lenient->registry), std::move(*findings)};
}

}  // namespace harmony::network
