// The git repository a registry lives in, reached by running the `git` program (found on PATH).
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <harmony/network/error.hpp>

namespace harmony::network {

// The top folder of the git work tree that holds `folder`. Errors: invalid_argument (not
// inside a git work tree), io_error (git cannot be run or fails).
Expected<std::filesystem::path> git_toplevel(const std::filesystem::path& folder);

// `path` (inside the work tree at `toplevel`) as git names it: relative to the top, with '/'.
// Error: invalid_argument when the path lies outside the work tree.
Expected<std::string> git_relative_path(const std::filesystem::path& toplevel,
                                        const std::filesystem::path& path);

// The commit `revision` names in the repository at `toplevel`, as its full object id; the
// revision is screened before git sees it (no leading '-', no ':', no blanks or controls).
// Errors: invalid_argument (not a revision name, or no commit by that name), io_error.
Expected<std::string> git_commit_of(const std::filesystem::path& toplevel,
                                    std::string_view revision);

// The content of `relative_path` in `commit` (an object id from git_commit_of): nullopt when
// that commit holds no such file. At most k_max_input_bytes are read. Errors: io_error.
Expected<std::optional<std::string>> git_file_at(const std::filesystem::path& toplevel,
                                                 std::string_view commit,
                                                 std::string_view relative_path);

// The repository-local value of configuration `key`: nullopt when unset. Errors: io_error.
Expected<std::optional<std::string>> git_config_get(const std::filesystem::path& toplevel,
                                                    std::string_view key);

// Sets the repository-local configuration `key` to `value` (.git/config). Errors: io_error.
Expected<void> git_config_set(const std::filesystem::path& toplevel, std::string_view key,
                              std::string_view value);

// git's own line-based three-way merge of three files (`git merge-file`): `ours` is replaced
// by the merge, with conflict markers labelled `labels` (ours, base, theirs) where the lines
// clash. Returns true when it merged cleanly. Errors: io_error (git cannot be run or fails).
Expected<bool> git_merge_file(const std::filesystem::path& ours, const std::filesystem::path& base,
                              const std::filesystem::path& theirs,
                              const std::array<std::string, 3>& labels);

}  // namespace harmony::network
