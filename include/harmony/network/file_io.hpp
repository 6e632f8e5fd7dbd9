// Files as the library touches them: resolved through symbolic links, regular files only,
// read with a size cap, replaced atomically with their mode, owner and group.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <harmony/network/error.hpp>

namespace harmony::network {

// The path the data at `path` really lives at: symbolic links in the last component are
// followed (chains, relative or absolute, dangling ones to their target) and the folders above
// are made canonical, so a write replaces the target and leaves every link a link.
// Errors: file_not_found (a folder on the way is missing), io_error (a link loop).
Expected<std::filesystem::path> resolve_file_path(const std::filesystem::path& path);

// True when anything is at `path` — a dangling link or a fifo too (links not followed), so
// what it is gets judged where it is used, not silently skipped.
bool entry_exists(const std::filesystem::path& path);

// Succeeds when `path` (links followed) is a regular file or does not exist. Anything else —
// folder, character or block device, fifo, socket — is invalid_argument naming what it is,
// decided without opening it (opening a fifo would hang, a device could act).
Expected<void> require_regular_or_missing(const std::filesystem::path& path);

// Reads a whole regular file of at most k_max_input_bytes (limits.hpp). Errors:
// file_not_found, permission_denied, io_error, invalid_argument (not a regular file, too big).
Expected<std::string> read_file(const std::filesystem::path& path);

// An input the caller names, read whole: its text and the label messages give it.
struct NamedInput {
    std::string text;
    std::string label;  // the name as given, or "<stdin>"
};

// The label standard input has in messages: "<stdin>:3:5: ...".
inline constexpr std::string_view k_stdin_label = "<stdin>";

// The label messages give the input `name` names: "<stdin>" for "-", else `name`.
std::string input_label(std::string_view name);

// Reads the input `name` names: "-" is standard input (label "<stdin>", at most
// k_max_input_bytes like a file, else invalid_argument), anything else read_file(name).
Expected<NamedInput> read_input(std::string_view name);

// Writes `text` to `path` atomically: a temporary file in the real folder (links resolved),
// fsync, rename over the target, fsync of the folder. Keeps the old file's mode, owner and
// group (the group at least, when the caller may not give the file away). Refuses, changing
// nothing: a target that is not a regular file (invalid_argument), a file without write
// permission bits, even for root ("read-only"), a file on a read-only file system ("read-only
// file system") and a file the caller may not write ("permission denied") — all
// permission_denied.
Expected<void> write_file_atomically(const std::filesystem::path& path, std::string_view text);

// Removes temporary files that write_file_atomically left beside `path` (in its real folder)
// when its process died mid-write. Call only while holding the RegistryLock: then no live
// writer owns one. Returns how many were removed.
std::size_t remove_stale_temporaries(const std::filesystem::path& path);

}  // namespace harmony::network
