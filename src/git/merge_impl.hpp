// What the registry merge's steps share: the three inputs, the result being built, and the
// conflicts found so far.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <harmony/network/registry_merge.hpp>

namespace harmony::network::detail {

struct MergeState {
    const Registry& base;
    const Registry& ours;
    const Registry& theirs;
    Registry merged;
    std::vector<MergeConflict> conflicts;
    // Names whose allocation was kept against a release on one side: that side's new
    // quarantine entries for them go.
    std::set<std::string> kept_against_release;
};

// The entry named `name` in `entries`, or nullptr.
template <typename T>
const T* find_named(const std::vector<T>& entries, std::string_view name) {
    for (const auto& e : entries) {
        if (e.name == name) {
            return &e;
        }
    }
    return nullptr;
}

// "25100/tcp", "25090-25099/tcp+udp".
std::string ports_text(const PortRange& ports, Protocols protocols);

// Steps of merge_registries, in order.
void merge_settings(MergeState& state);
void merge_pools(MergeState& state);
void merge_allocations(MergeState& state);
void merge_quarantine(MergeState& state);
void settle_port_clashes(MergeState& state);

}  // namespace harmony::network::detail
