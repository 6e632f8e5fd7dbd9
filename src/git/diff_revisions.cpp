// The registry at two points of its git history (or one and the working tree), read through
// git, and the diff between them.
#include <harmony/network/git_repository.hpp>
#include <harmony/network/registry_diff.hpp>
#include <harmony/network/registry_file.hpp>

namespace harmony::network {

namespace {

namespace fs = std::filesystem;

// Where the registry lives in the repository, and what stands in for a missing harmony.toml.
struct Where {
    fs::path top;
    RegistryPaths paths;  // in the working tree
    std::string registry_relative;
    std::string config_relative;
    RegistryFormat format = RegistryFormat::toml;
    PortRange fallback_range = k_adr014_range;  // the working tree's harmony.toml, else ADR-014
};

// "REV:PATH", as git names a file at a revision; positions in messages follow it.
std::string label_at(std::string_view revision, std::string_view relative) {
    std::string s(revision);
    s += ":";
    s += relative;
    return s;
}

Expected<Where> locate(const fs::path& registry_path) {
    Where w;
    w.paths = paths_for(fs::absolute(registry_path));
    auto top = git_toplevel(w.paths.registry.parent_path());
    if (!top) {
        return std::unexpected(top.error());
    }
    w.top = *top;
    auto relative = git_relative_path(w.top, w.paths.registry);
    if (!relative) {
        return std::unexpected(relative.error());
    }
    w.registry_relative = *relative;
    auto slash = relative->rfind('/');
    w.config_relative = slash == std::string::npos ? std::string() : relative->substr(0, slash + 1);
    w.config_relative += k_config_file;
    w.format = format_for_path(w.paths.registry);
    auto range = read_harmony_config(w.paths.config);
    if (!range) {
        return std::unexpected(range.error());
    }
    w.fallback_range = range->value_or(k_adr014_range);
    return w;
}

// harmony.toml's range in `commit` (named `revision` in messages).
Expected<PortRange> range_at(const Where& w, std::string_view commit, std::string_view revision) {
    auto text = git_file_at(w.top, commit, w.config_relative);
    if (!text) {
        return std::unexpected(text.error());
    }
    if (!*text) {
        return w.fallback_range;
    }
    return parse_harmony_config(**text, label_at(revision, w.config_relative));
}

// The registry at `revision`: the revision is resolved once, for both files read from it.
Expected<Registry> registry_at(const Where& w, std::string_view revision) {
    auto commit = git_commit_of(w.top, revision);
    if (!commit) {
        return std::unexpected(commit.error());
    }
    auto range = range_at(w, *commit, revision);
    if (!range) {
        return std::unexpected(range.error());
    }
    auto text = git_file_at(w.top, *commit, w.registry_relative);
    if (!text) {
        return std::unexpected(text.error());
    }
    if (!*text) {
        return absent_registry(*range);
    }
    return parse_registry(**text, w.format, label_at(revision, w.registry_relative), *range);
}

Expected<Registry> working_registry(const Where& w) {
    std::error_code ec;
    if (!fs::exists(w.paths.registry, ec) && !ec) {
        return absent_registry(w.fallback_range);
    }
    return load_registry(w.paths);
}

}  // namespace

Expected<RegistryDiff> diff_registry_revisions(const fs::path& registry_path,
                                               const std::optional<std::string>& from,
                                               const std::optional<std::string>& to,
                                               TimePoint now) {
    auto where = locate(registry_path);
    if (!where) {
        return std::unexpected(where.error());
    }
    RegistryDiff diff;
    diff.from = from.value_or("HEAD");
    diff.to = to;
    diff.file = where->registry_relative;
    auto before = registry_at(*where, diff.from);
    if (!before) {
        return std::unexpected(before.error());
    }
    auto after = diff.to ? registry_at(*where, *diff.to) : working_registry(*where);
    if (!after) {
        return std::unexpected(after.error());
    }
    diff.changes = diff_registries(*before, *after, now);
    return diff;
}

Expected<RegistryDiff> diff_registry_revisions(const fs::path& registry_path,
                                               const std::optional<std::string>& from,
                                               const std::optional<std::string>& to) {
    auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return diff_registry_revisions(registry_path, from, to, now);
}

Expected<fs::path> registry_to_review(const StoreOptions& options) {
    if (!options.registry.empty()) {
        return options.registry;
    }
    auto where = locate_registry(options);
    if (!where) {
        return std::unexpected(where.error());
    }
    if (where->paths) {
        return where->paths->registry;
    }
    return fs::current_path() / k_registry_file;
}

}  // namespace harmony::network
