// The entry-by-entry three-way merge: settings, pools and allocations.
#include <fmt/format.h>

#include "git/merge_impl.hpp"
#include "util/printable.hpp"

namespace harmony::network::detail {

namespace {

// The three-way choice for one value: the side that changed it; nullopt when both changed it
// differently.
template <typename T>
std::optional<T> pick(const T& base, const T& ours, const T& theirs) {
    if (ours == theirs || theirs == base) {
        return ours;
    }
    if (ours == base) {
        return theirs;
    }
    return std::nullopt;
}

void conflict(MergeState& state, MergeConflictKind kind, std::string subject, std::string message,
              MergeRemedy remedy) {
    state.conflicts.push_back(
        MergeConflict{kind, std::move(subject), std::move(message), remedy, std::nullopt});
}

bool same_allocation(const Allocation& a, const Allocation& b) {
    return a.name == b.name && a.ports == b.ports && a.protocols == b.protocols &&
           a.pool == b.pool && a.owner == b.owner && a.notes == b.notes && a.process == b.process;
}

bool same_pool(const Pool& a, const Pool& b) {
    return a.name == b.name && a.ports == b.ports && a.reserved == b.reserved;
}

// Both absent, or both present and equal.
template <typename T, typename Same>
bool same_entry(const T* a, const T* b, Same same) {
    return (a == nullptr || b == nullptr) ? a == b : same(*a, *b);
}

// Every name the three lists hold, in order.
template <typename T>
std::set<std::string> all_names(const std::vector<T>& a, const std::vector<T>& b,
                                const std::vector<T>& c) {
    std::set<std::string> names;
    for (const auto* list : {&a, &b, &c}) {
        for (const auto& e : *list) {
            names.insert(e.name);
        }
    }
    return names;
}

// The entry one side changed and the other left alone (or both changed alike); nullptr
// result with `decided` false when both changed it differently.
template <typename T, typename Same>
const T* one_sided(const T* base, const T* ours, const T* theirs, Same same, bool& decided) {
    decided = true;
    if (same_entry(ours, theirs, same) || same_entry(theirs, base, same)) {
        return ours;
    }
    if (same_entry(ours, base, same)) {
        return theirs;
    }
    decided = false;
    return nullptr;
}

// --- settings ---------------------------------------------------------------------------

void merge_setting(MergeState& state, std::string_view key, int Registry::*field) {
    auto v = pick(state.base.*field, state.ours.*field, state.theirs.*field);
    state.merged.*field = v.value_or(state.ours.*field);
    if (!v) {
        conflict(state, MergeConflictKind::same_field, std::string(key),
                 fmt::format("{} changed on both sides (ours {}, theirs {}); the merged file "
                             "keeps ours",
                             key, state.ours.*field, state.theirs.*field),
                 MergeRemedy::edit);
    }
}

// --- pools ------------------------------------------------------------------------------

void merge_pool_fields(MergeState& state, const Pool* base, const Pool& ours, const Pool& theirs) {
    Pool merged = ours;
    auto ports = base != nullptr              ? pick(base->ports, ours.ports, theirs.ports)
                 : ours.ports == theirs.ports ? std::optional(ours.ports)
                                              : std::nullopt;
    auto reserved = pick(base != nullptr && base->reserved, ours.reserved, theirs.reserved);
    merged.ports = ports.value_or(ours.ports);
    merged.reserved = reserved.value_or(ours.reserved);
    if (!ports || !reserved) {
        std::string what =
            !ports ? fmt::format("ports (ours {}, theirs {})", ours.ports.to_string(),
                                 theirs.ports.to_string())
                   : fmt::format("reserved (ours {}, theirs {})", ours.reserved, theirs.reserved);
        conflict(state, MergeConflictKind::same_field, ours.name,
                 fmt::format("pool {}: {} changed on both sides; the merged file keeps ours",
                             ours.name, what),
                 MergeRemedy::edit);
    }
    state.merged.pools.push_back(std::move(merged));
}

void merge_pool(MergeState& state, const std::string& name) {
    const Pool* base = state.base_index.pool(name);
    const Pool* ours = state.ours_index.pool(name);
    const Pool* theirs = state.theirs_index.pool(name);
    bool decided = false;
    const Pool* taken = one_sided(base, ours, theirs, same_pool, decided);
    if (decided) {
        if (taken != nullptr) {
            state.merged.pools.push_back(*taken);
        }
    } else if (ours == nullptr || theirs == nullptr) {
        const Pool& kept = ours != nullptr ? *ours : *theirs;
        state.merged.pools.push_back(kept);
        conflict(state, MergeConflictKind::removed_vs_changed, name,
                 fmt::format("pool {}: removed on {}, changed on {}; the merged file keeps it "
                             "as {} changed it ({})",
                             name, ours == nullptr ? "ours" : "theirs",
                             ours == nullptr ? "theirs" : "ours",
                             ours == nullptr ? "theirs" : "ours", kept.ports.to_string()),
                 MergeRemedy::edit);
    } else {
        merge_pool_fields(state, base, *ours, *theirs);
    }
}

// --- allocations ------------------------------------------------------------------------

struct Field {
    std::string_view name;
    std::string Allocation::*member;
};
constexpr Field k_fields[] = {{"pool", &Allocation::pool},
                              {"owner", &Allocation::owner},
                              {"notes", &Allocation::notes},
                              {"process", &Allocation::process}};

struct Placement {
    PortRange ports;
    Protocols protocols;
    friend bool operator==(const Placement&, const Placement&) = default;
};

Placement placement_of(const Allocation& a) {
    return Placement{a.ports, a.protocols};
}

void merge_placement(MergeState& state, const Allocation* base, const Allocation& ours,
                     const Allocation& theirs, Allocation& merged) {
    auto chosen = base != nullptr
                      ? pick(placement_of(*base), placement_of(ours), placement_of(theirs))
                  : placement_of(ours) == placement_of(theirs) ? std::optional(placement_of(ours))
                                                               : std::nullopt;
    if (chosen) {
        merged.ports = chosen->ports;
        merged.protocols = chosen->protocols;
        return;
    }
    std::string o = ports_text(ours.ports, ours.protocols);
    conflict(state, MergeConflictKind::two_ports, ours.name,
             fmt::format("service {} is at {} on ours and at {} on theirs; the merged file "
                         "keeps ours' {}",
                         ours.name, o, ports_text(theirs.ports, theirs.protocols), o),
             MergeRemedy::keep);
}

void merge_allocation_fields(MergeState& state, const Allocation* base, const Allocation& ours,
                             const Allocation& theirs) {
    Allocation merged = ours;
    merge_placement(state, base, ours, theirs, merged);
    static const std::string k_empty;
    for (const Field& f : k_fields) {
        const std::string& b = base != nullptr ? base->*f.member : k_empty;
        auto v = pick(b, ours.*f.member, theirs.*f.member);
        if (!v) {
            conflict(state, MergeConflictKind::same_field, ours.name,
                     fmt::format("service {}: {} changed on both sides (ours {}, theirs {}); "
                                 "the merged file keeps ours",
                                 ours.name, f.name, util::quoted_text(ours.*f.member, 60),
                                 util::quoted_text(theirs.*f.member, 60)),
                     MergeRemedy::edit);
        }
        merged.*f.member = v.value_or(ours.*f.member);
    }
    state.merged.allocations.push_back(std::move(merged));
}

// True when `side` turned base's allocation into a quarantine entry (`release`), not a
// plain removal.
bool released_on(const Registry& side, const Registry& base_registry, const Allocation& base) {
    auto is_release = [&](const Released& r) {
        return r.name == base.name && r.ports == base.ports && r.protocols == base.protocols;
    };
    return std::any_of(side.released.begin(), side.released.end(), is_release) &&
           std::none_of(base_registry.released.begin(), base_registry.released.end(), is_release);
}

void removed_vs_changed(MergeState& state, const Allocation& base, const Allocation* ours,
                        const Allocation* theirs) {
    bool ours_removed = ours == nullptr;
    const Allocation& kept = ours_removed ? *theirs : *ours;
    bool released = released_on(ours_removed ? state.ours : state.theirs, state.base, base);
    std::string_view remover = ours_removed ? "ours" : "theirs";
    std::string_view changer = ours_removed ? "theirs" : "ours";
    state.merged.allocations.push_back(kept);
    state.kept_against_release.insert(kept.name);
    conflict(state, MergeConflictKind::removed_vs_changed, kept.name,
             fmt::format("service {} ({}): {} on {}, changed on {}; the merged file keeps the "
                         "allocation as {} changed it",
                         kept.name, ports_text(kept.ports, kept.protocols),
                         released ? "released" : "removed", remover, changer, changer),
             MergeRemedy::release_again);
}

void merge_allocation(MergeState& state, const std::string& name) {
    const Allocation* base = state.base_index.allocation(name);
    const Allocation* ours = state.ours_index.allocation(name);
    const Allocation* theirs = state.theirs_index.allocation(name);
    bool decided = false;
    const Allocation* taken = one_sided(base, ours, theirs, same_allocation, decided);
    if (decided) {
        if (taken != nullptr) {
            state.merged.allocations.push_back(*taken);
        }
    } else if (ours == nullptr || theirs == nullptr) {
        removed_vs_changed(state, *base, ours, theirs);
    } else {
        merge_allocation_fields(state, base, *ours, *theirs);
    }
}

}  // namespace

SideIndex::SideIndex(const Registry& registry) {
    for (const auto& a : registry.allocations) {
        m_allocations.emplace(a.name, &a);
    }
    for (const auto& p : registry.pools) {
        m_pools.emplace(p.name, &p);
    }
    for (const auto& r : registry.released) {
        m_quarantine.emplace(r.name, r.ports.first, r.ports.last, r.protocols);
    }
}

const Allocation* SideIndex::allocation(std::string_view name) const {
    auto it = m_allocations.find(name);
    return it == m_allocations.end() ? nullptr : it->second;
}

const Pool* SideIndex::pool(std::string_view name) const {
    auto it = m_pools.find(name);
    return it == m_pools.end() ? nullptr : it->second;
}

bool SideIndex::holds(const Allocation& a) const {
    const Allocation* mine = allocation(a.name);
    return mine != nullptr && mine->ports == a.ports && mine->protocols == a.protocols;
}

bool SideIndex::holds(const Released& r) const {
    return m_quarantine.contains({r.name, r.ports.first, r.ports.last, r.protocols});
}

void merge_settings(MergeState& state) {
    state.merged.range = state.ours.range;
    merge_setting(state, "schema_version", &Registry::schema_version);
    merge_setting(state, "quarantine_days", &Registry::quarantine_days);
}

void merge_pools(MergeState& state) {
    for (const auto& name : all_names(state.base.pools, state.ours.pools, state.theirs.pools)) {
        merge_pool(state, name);
    }
}

void merge_allocations(MergeState& state) {
    for (const auto& name :
         all_names(state.base.allocations, state.ours.allocations, state.theirs.allocations)) {
        merge_allocation(state, name);
    }
}

}  // namespace harmony::network::detail
