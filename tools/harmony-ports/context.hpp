// What every sub-command shares: where the registry is, how to print, how to fail.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/policy.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_file.hpp>

namespace harmony::cli {

using namespace harmony::network;

// Global options, filled by CLI11 before a sub-command runs.
struct GlobalOptions {
    std::string registry;  // --registry PATH
};

// Where the registry lives and whether it exists; `embedded` when none was found.
struct Location {
    std::optional<RegistryPaths> paths;        // nullopt: no file; use the embedded default
    std::string label;                         // file path or "embedded ADR-014 default"
    PortRange default_range = k_adr014_range;  // without a registry: harmony.toml's, if any
};

// --registry, else HARMONY_PORTS_REGISTRY, else "" (then discovery decides).
std::string explicit_registry_path(const GlobalOptions& global);

// Resolves --registry, then HARMONY_PORTS_REGISTRY, then discovery from the working folder.
// `for_write`: an explicit path need not exist (init creates it).
Expected<Location> locate(const GlobalOptions& global);

// The registry to read, and where it came from: the located file's (validated) or the
// embedded ADR-014 default.
struct Loaded {
    Location where;
    Registry registry;
};
Expected<Loaded> load_for_reading(const GlobalOptions& global);

// Prints "harmony-ports: error: LINE" for each line of the message, the last one followed by
// "; HINT" in the CLI's words when the error has a hint, and returns the exit code.
int report(const Error& error);

// A table cell: "-" for empty text, else the text made printable and cut to `limit` characters.
std::string or_dash(std::string_view text, std::size_t limit = 80);

// True when stdout is a terminal and NO_COLOR is unset.
bool use_color();

// `text` wrapped in an ANSI colour for `severity` when colour is on.
std::string paint(std::string_view text, Severity severity);

// Prints findings as "severity: message [code]" lines plus a summary line.
void print_findings(const std::vector<Finding>& findings);

// The `check --json` document.
std::string findings_json(const std::vector<Finding>& findings);

// Runs policy + registry checks on what `where` points at; lenient, so conflicts are findings.
Expected<std::vector<Finding>> run_checks(const Location& where, Registry* loaded = nullptr);

// Writes `text` to stdout, or atomically to `path` when given.
Expected<void> emit(const std::string& text, const std::string& path);

}  // namespace harmony::cli

#include <functional>

#include <harmony/network/allocator.hpp>

namespace harmony::cli {

// Locks the registry's folder, loads the registry, lets `change` modify it through an
// allocator, and writes it back atomically if the text changed: the whole read-modify-write
// of `allocate`/`release`. Without a registry file: not_found telling to run init.
Expected<void> update_registry(const GlobalOptions& global,
                               const std::function<Expected<void>(PortAllocator&)>& change);

}  // namespace harmony::cli
