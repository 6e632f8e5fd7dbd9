// After the entry-wise merge, ports: one port (and protocol) given by the two sides to
// different names keeps ours' holder.
#include <algorithm>

#include <fmt/format.h>

#include "git/merge_impl.hpp"

namespace harmony::network::detail {

namespace {

// A port holder in the merged registry: an allocation or a quarantine entry.
struct Holder {
    std::string name;
    PortRange ports;
    Protocols protocols{};
    bool quarantine = false;
    bool in_ours = false;    // ours holds these ports for this name
    bool in_theirs = false;  // so does theirs
    std::size_t index = 0;   // in merged.allocations or merged.released
};

std::vector<Holder> holders_of(const MergeState& state) {
    std::vector<Holder> out;
    const auto& m = state.merged;
    for (std::size_t i = 0; i < m.allocations.size(); ++i) {
        const auto& a = m.allocations[i];
        out.push_back({a.name, a.ports, a.protocols, false, state.ours_index.holds(a),
                       state.theirs_index.holds(a), i});
    }
    for (std::size_t i = 0; i < m.released.size(); ++i) {
        const auto& r = m.released[i];
        out.push_back({r.name, r.ports, r.protocols, true, state.ours_index.holds(r),
                       state.theirs_index.holds(r), i});
    }
    std::sort(out.begin(), out.end(),
              [](const Holder& a, const Holder& b) { return a.ports.first < b.ports.first; });
    return out;
}

// Two holders that the merge put on one port, where neither side alone held both (a
// quarantined port one side gave away early stays that side's doing). One of them is not
// ours. Returns {that holder, ours' holder}.
std::optional<std::pair<Holder, Holder>> first_clash(const MergeState& state) {
    auto holders = holders_of(state);
    for (std::size_t i = 0; i < holders.size(); ++i) {
        for (std::size_t j = i + 1;
             j < holders.size() && holders[j].ports.first <= holders[i].ports.last; ++j) {
            const Holder& a = holders[i];
            const Holder& b = holders[j];
            bool merged_here = !(a.in_ours && b.in_ours) && !(a.in_theirs && b.in_theirs);
            if (a.name != b.name && shares_protocol(a.protocols, b.protocols) && merged_here) {
                return a.in_ours ? std::pair(b, a) : std::pair(a, b);
            }
        }
    }
    return std::nullopt;
}

std::string shared_port(const Holder& a, const Holder& b) {
    Port first = std::max(a.ports.first, b.ports.first);
    Protocols common = static_cast<Protocols>(static_cast<unsigned>(a.protocols) &
                                              static_cast<unsigned>(b.protocols));
    return ports_text(PortRange{first, first}, common);
}

std::string holding(const Holder& h, std::string_view side) {
    return h.quarantine ? fmt::format("{} holds it in quarantine for {}", side, h.name)
                        : fmt::format("{} gives it to {}", side, h.name);
}

void settle(MergeState& state, const Holder& loser, const Holder& winner) {
    std::string head =
        fmt::format("port {}: {}, {}; the merged file keeps {}", shared_port(loser, winner),
                    holding(winner, "ours"), holding(loser, "theirs"), winner.name);
    MergeConflict c{MergeConflictKind::same_port, loser.name, {}, MergeRemedy::keep, {}};
    auto& allocations = state.merged.allocations;
    if (loser.quarantine) {
        state.merged.released.erase(state.merged.released.begin() +
                                    static_cast<std::ptrdiff_t>(loser.index));
        c.message = head + fmt::format(" and ends {}'s quarantine there", loser.name);
    } else if (const Allocation* o = state.ours_index.allocation(loser.name)) {
        allocations[loser.index].ports = o->ports;
        allocations[loser.index].protocols = o->protocols;
        c.message = head + fmt::format(" and {} at ours' {}", loser.name,
                                       ports_text(o->ports, o->protocols));
    } else {
        c.dropped = allocations[loser.index];
        c.remedy = MergeRemedy::allocate_again;
        allocations.erase(allocations.begin() + static_cast<std::ptrdiff_t>(loser.index));
        c.message = head + fmt::format(" and leaves {} out", loser.name);
    }
    state.conflicts.push_back(std::move(c));
}

}  // namespace

void settle_port_clashes(MergeState& state) {
    // Each round moves one of theirs' holders back to ours or out, so this ends.
    while (auto clash = first_clash(state)) {
        settle(state, clash->first, clash->second);
    }
}

}  // namespace harmony::network::detail
