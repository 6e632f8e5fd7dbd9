// Quarantine entries merged as a set keyed by name, ports and protocols.
#include <map>
#include <tuple>

#include "git/merge_impl.hpp"

namespace harmony::network::detail {

namespace {

using Key = std::tuple<std::string, Port, Port, Protocols>;

Key key_of(const Released& r) {
    return {r.name, r.ports.first, r.ports.last, r.protocols};
}

std::map<Key, const Released*> by_key(const Registry& registry) {
    std::map<Key, const Released*> out;
    for (const auto& r : registry.released) {
        out.emplace(key_of(r), &r);
    }
    return out;
}

bool same_times(const Released* a, const Released* b) {
    if (a == nullptr || b == nullptr) {
        return a == b;
    }
    return a->released_at == b->released_at && a->until == b->until;
}

// One entry's merge. Both sides changing it differently is no conflict: the entry that holds
// the ports longest wins, since quarantine only ever protects.
std::optional<Released> merge_entry(const Released* base, const Released* ours,
                                    const Released* theirs) {
    const Released* taken = nullptr;
    if (same_times(ours, theirs) || same_times(theirs, base)) {
        taken = ours;
    } else if (same_times(ours, base)) {
        taken = theirs;
    } else if (ours != nullptr && theirs != nullptr) {
        Released both = *ours;
        both.released_at = std::min(ours->released_at, theirs->released_at);
        both.until = std::max(ours->until, theirs->until);
        return both;
    } else {
        taken = ours != nullptr ? ours : theirs;  // dropped on one side, changed on the other
    }
    return taken != nullptr ? std::optional(*taken) : std::nullopt;
}

const Released* lookup(const std::map<Key, const Released*>& map, const Key& key) {
    auto it = map.find(key);
    return it == map.end() ? nullptr : it->second;
}

}  // namespace

void merge_quarantine(MergeState& state) {
    auto base = by_key(state.base);
    auto ours = by_key(state.ours);
    auto theirs = by_key(state.theirs);
    std::set<Key> keys;
    for (const auto* map : {&base, &ours, &theirs}) {
        for (const auto& [key, entry] : *map) {
            keys.insert(key);
        }
    }
    for (const Key& key : keys) {
        const Released* b = lookup(base, key);
        bool kept_allocation = state.kept_against_release.contains(std::get<0>(key));
        if (kept_allocation && b == nullptr) {
            continue;  // the release this entry came from lost to a change of the allocation
        }
        if (auto merged = merge_entry(b, lookup(ours, key), lookup(theirs, key))) {
            state.merged.released.push_back(std::move(*merged));
        }
    }
}

}  // namespace harmony::network::detail
