// What the registry merge's steps share: the three inputs, the result being built, and the
// conflicts found so far.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <harmony/network/registry_diff.hpp>
#include <harmony/network/registry_merge.hpp>

namespace harmony::network::detail {

// One side's entries by name (and quarantine entries by what they hold), so every lookup is a
// search, not a scan: a merge of n entries costs O(n log n).
class SideIndex {
  public:
    explicit SideIndex(const Registry& registry);
    [[nodiscard]] const Allocation* allocation(std::string_view name) const;
    [[nodiscard]] const Pool* pool(std::string_view name) const;
    // True when the side holds the same ports and protocols for `name` as `a` does.
    [[nodiscard]] bool holds(const Allocation& a) const;
    [[nodiscard]] bool holds(const Released& r) const;

  private:
    std::map<std::string_view, const Allocation*, std::less<>> m_allocations;
    std::map<std::string_view, const Pool*, std::less<>> m_pools;
    std::set<std::tuple<std::string_view, Port, Port, Protocols>> m_quarantine;
};

struct MergeState {
    MergeState(const Registry& b, const Registry& o, const Registry& t)
        : base(b), ours(o), theirs(t), base_index(b), ours_index(o), theirs_index(t) {}

    const Registry& base;
    const Registry& ours;
    const Registry& theirs;
    SideIndex base_index;
    SideIndex ours_index;
    SideIndex theirs_index;
    Registry merged;
    std::vector<MergeConflict> conflicts;
    // Names whose allocation was kept against a release on one side: that side's new
    // quarantine entries for them go.
    std::set<std::string> kept_against_release;
};

// "25100/tcp", "25090-25099/tcp+udp": the diff's rendering of held ports.
inline std::string ports_text(const PortRange& ports, Protocols protocols) {
    return to_string(PortsHeld{ports, protocols});
}

// Steps of merge_registries, in order.
void merge_settings(MergeState& state);
void merge_pools(MergeState& state);
void merge_allocations(MergeState& state);
void merge_quarantine(MergeState& state);
void settle_port_clashes(MergeState& state);

}  // namespace harmony::network::detail
