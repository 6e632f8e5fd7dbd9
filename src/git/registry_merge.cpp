// merge_registries: the steps of merge_impl.hpp in order, then proof that the result loads.
#include <harmony/network/registry_file.hpp>
#include <harmony/network/registry_merge.hpp>

#include "git/merge_impl.hpp"

namespace harmony::network {

std::string_view to_string(MergeConflictKind kind) noexcept {
    switch (kind) {
        case MergeConflictKind::same_port:
            return "same-port";
        case MergeConflictKind::two_ports:
            return "two-ports";
        case MergeConflictKind::same_field:
            return "same-field";
        case MergeConflictKind::removed_vs_changed:
            return "removed-vs-changed";
        case MergeConflictKind::invalid_result:
            return "invalid-result";
    }
    return "unknown";
}

std::string_view to_string(MergeRemedy remedy) noexcept {
    switch (remedy) {
        case MergeRemedy::keep:
            return "keep";
        case MergeRemedy::allocate_again:
            return "allocate-again";
        case MergeRemedy::release_again:
            return "release-again";
        case MergeRemedy::edit:
            return "edit";
    }
    return "unknown";
}

namespace {

// The merged registry as the files will hold it, read back by the same validating reader:
// any rule the entry-wise merge broke (an allocation in a pool the other side removed, a
// pool now overlapping another) is found here, with the reader's own message.
std::optional<std::string> rule_broken(const Registry& merged) {
    auto back = parse_registry(render_registry(merged, RegistryFormat::toml), RegistryFormat::toml,
                               "merged registry", merged.range);
    if (back) {
        return std::nullopt;
    }
    const std::string& m = back.error().message;
    return m.substr(0, m.find('\n'));
}

}  // namespace

MergeResult merge_registries(const Registry& base, const Registry& ours, const Registry& theirs) {
    detail::MergeState state(base, ours, theirs);
    detail::merge_settings(state);
    detail::merge_pools(state);
    detail::merge_allocations(state);
    detail::merge_quarantine(state);
    detail::settle_port_clashes(state);
    canonicalize(state.merged);
    if (auto broken = rule_broken(state.merged)) {
        Registry kept = ours;
        canonicalize(kept);
        state.conflicts.push_back(MergeConflict{
            MergeConflictKind::invalid_result, "",
            *broken + "; the merged file keeps ours unchanged, without theirs' changes",
            MergeRemedy::edit, std::nullopt});
        return MergeResult{std::move(kept), std::move(state.conflicts)};
    }
    return MergeResult{std::move(state.merged), std::move(state.conflicts)};
}

}  // namespace harmony::network
