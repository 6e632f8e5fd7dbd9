// Registries merged as data: git's three-way merge of harmony.network.ports.{toml,yaml}, and
// the repository set-up that makes git call it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

enum class MergeConflictKind {
    same_port,           // the two sides give one port (and protocol) to different names
    two_ports,           // one name sits on different ports on the two sides
    same_field,          // one field of one entry changed differently on both sides
    removed_vs_changed,  // an entry released or removed on one side and changed on the other
    invalid_result,      // the merged entries together break another rule of the registry
};

// What settles a conflict, for the caller to word.
enum class MergeRemedy {
    keep,            // the merged file already holds one side: nothing to run to keep it
    allocate_again,  // a name was left out: allocate it again (`dropped` holds what it had)
    release_again,   // the allocation was kept: release it to do what the other side did
    edit,            // edit the file by hand
};

struct MergeConflict {
    MergeConflictKind kind{};
    std::string subject;  // the service, pool or setting the conflict is about
    std::string message;  // one line: what each side did and what the merged file holds
    MergeRemedy remedy = MergeRemedy::keep;
    std::optional<Allocation> dropped;  // allocate_again: the allocation left out
};

// Stable kebab-case identifiers ("same-port", "allocate-again"), used in JSON.
std::string_view to_string(MergeConflictKind kind) noexcept;
std::string_view to_string(MergeRemedy remedy) noexcept;

struct MergeResult {
    Registry merged;                       // canonical, loads without error, never a duplicate
    std::vector<MergeConflict> conflicts;  // empty: a clean merge
};

// Three-way merge of registry content, entry by entry (allocations and pools by name,
// quarantine entries by name, ports and protocols, settings by key): what one side changed
// and the other did not is taken; the same change on both sides is taken once; entries added
// on either side are kept. A conflict keeps "ours" where both sides changed one thing, and
// keeps the allocation (with the change) where one side released or removed what the other
// changed. Then ports are checked: a port (and protocol) given by the two sides to different
// names — an allocation or a quarantine entry — keeps ours' holder and leaves theirs' out,
// so `merged` never holds a duplicate. `base` is empty when the sides share no ancestor.
MergeResult merge_registries(const Registry& base, const Registry& ours, const Registry& theirs);

// The three files git hands a merge driver (%O, %A, %B) and the registry's path in the
// repository (%P: chooses toml or yaml and the harmony.toml beside it; empty: the format is
// told from ours' text and harmony.toml is looked for in the current folder).
struct MergeFiles {
    std::filesystem::path base;
    std::filesystem::path ours;
    std::filesystem::path theirs;
    std::filesystem::path path_in_repository;
};

// What the driver did to the ours file.
struct MergeOutcome {
    MergeResult result;
    bool written = false;  // ours now holds the canonical merged registry
};

// The merge driver: reads and validates the three registries, merges them and writes the
// result to `ours` atomically in canonical form (also when there are conflicts, since the
// result is still a valid registry). When the merged entries would break another rule
// (invalid_result), ours is left as it was. Errors (nothing written): parse_error and
// invalid_registry for a side that does not load (its label: "PATH (theirs)"), the errors of
// read_file and write_file_atomically.
Expected<MergeOutcome> merge_registry_files(const MergeFiles& files);

// The repository set-up for the driver.
struct GitSetupReport {
    std::filesystem::path attributes;      // the .gitattributes file at the work tree's top
    std::vector<std::string> lines_added;  // lines appended to it (none: already there)
    bool config_changed = false;           // merge.harmony-ports.* were set or changed
};

// Makes the git work tree holding `folder` merge registries with the driver: appends
// "harmony.network.ports.{toml,yaml,yml} merge=harmony-ports" to the top's .gitattributes
// where missing and sets merge.harmony-ports.name and .driver ("COMMAND merge-driver %O %A
// %B %P") in the repository's own configuration. Running it again changes nothing.
// Errors: invalid_argument (not in a git work tree), the errors of file writes and of git.
Expected<GitSetupReport> setup_git_merge_driver(const std::filesystem::path& folder,
                                                std::string_view command);

}  // namespace harmony::network
