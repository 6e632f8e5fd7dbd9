// What changed between two versions of a registry, and which changes break its promises: a
// placed name keeps its ports, a released port stays in quarantine until its time is up.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_store.hpp>

namespace harmony::network {

// The kinds of change, in the order changes of one entry are listed.
enum class ChangeKind {
    setting_changed,      // range, schema_version or quarantine_days
    pool_added,           //
    pool_removed,         //
    pool_changed,         // a pool's ports or reserved flag
    added,                // a new name
    reclaimed,            // a quarantined name allocated again on (some of) its ports
    released,             // an allocation gone into quarantine (or quarantine_days is 0)
    removed,              // BREAKING: an allocation gone without quarantine
    moved,                // BREAKING: a name's ports or protocols changed
    changed,              // metadata: owner, notes, process, pool; a quarantine's `until`
    quarantine_added,     // a quarantine entry that no release in this change explains
    quarantine_ended,     // a quarantine entry dropped once its `until` had passed
    quarantine_dropped,   // BREAKING: a quarantine entry dropped before its `until`
    quarantine_violated,  // BREAKING: another name given a port still in quarantine
};

// Stable kebab-case identifier, e.g. "quarantine-violated" (the `kind` of JSON output).
std::string_view to_string(ChangeKind kind) noexcept;

// Ports on protocols, as an allocation or a quarantine entry holds them.
struct PortsHeld {
    PortRange ports;
    Protocols protocols = Protocols::tcp;
    friend bool operator==(const PortsHeld&, const PortsHeld&) = default;
};

// "25080/tcp", "25090-25099/tcp+udp".
std::string to_string(const PortsHeld& held);

// One change. `name` is the service's, the pool's or the setting's. `before`/`after` are the
// ports where they matter; `field`, `old_value`, `new_value` the text of a changed field
// (changed, pool-changed, setting-changed). `until` is the quarantine's end where one is
// involved; `quarantine_of` the name whose quarantine a quarantine-violated change breaks.
struct RegistryDiffChange {
    ChangeKind kind = ChangeKind::added;
    std::string name;
    std::optional<PortsHeld> before;
    std::optional<PortsHeld> after;
    std::string field;
    std::string old_value;
    std::string new_value;
    std::optional<TimePoint> until;
    std::string quarantine_of;
    bool breaking = false;
    std::string message;  // one line about the data, free text made printable
};

// The changes from `before` to `after`, judged at `now` (is a quarantine over?). Sorted by
// group (settings, pools, services), then name, then kind in ChangeKind order, then field.
// A new quarantine entry for a name whose allocation went is part of its `released` change; a
// quarantine entry that went because its name took its ports back is part of `reclaimed`; one
// that went because another name took its ports is part of `quarantine-violated`.
std::vector<RegistryDiffChange> diff_registries(const Registry& before, const Registry& after,
                                                TimePoint now);

// The registry a revision without the file stands for: nothing in it but `range` and the
// defaults, so every entry of the other side is added (or removed).
Registry absent_registry(PortRange range);

// How many changes are breaking.
std::size_t count_breaking(const std::vector<RegistryDiffChange>& changes);

// The registry at two points of its git history, and what changed between them.
struct RegistryDiff {
    std::string from;               // the first revision, as named
    std::optional<std::string> to;  // the second revision; nullopt: the working tree
    std::string file;               // the registry's path relative to the work tree's top
    std::vector<RegistryDiffChange> changes;
};

// Compares the registry file `registry_path` (in a git work tree) at revision `from` (default
// "HEAD") with revision `to` (default: the working tree), reading both through git relative to
// the repository's top. A revision without the file stands for an empty registry. The range
// comes from harmony.toml beside the file at the same revision, else the working tree's, else
// ADR-014's. Parse errors name the file as "REV:PATH". Errors: invalid_argument (not in a git
// work tree, no such revision), parse_error / invalid_registry (a registry that does not parse
// at a revision or in the working tree), io_error (git cannot be run or fails).
Expected<RegistryDiff> diff_registry_revisions(const std::filesystem::path& registry_path,
                                               const std::optional<std::string>& from,
                                               const std::optional<std::string>& to, TimePoint now);

// The registry file a review compares: the one `options` name or discovery finds, else the
// default name in the current folder (so a registry deleted from the working tree shows as
// everything removed). Errors: those of locate_registry.
Expected<std::filesystem::path> registry_to_review(const StoreOptions& options);

// The same, judged at the system clock's time.
Expected<RegistryDiff> diff_registry_revisions(const std::filesystem::path& registry_path,
                                               const std::optional<std::string>& from,
                                               const std::optional<std::string>& to);

}  // namespace harmony::network
