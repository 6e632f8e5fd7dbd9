// What every sub-command shares: where the registry is, how to print, how to fail.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <harmony/network/command_files.hpp>
#include <harmony/network/error.hpp>
#include <harmony/network/fleet_store.hpp>
#include <harmony/network/policy.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_file.hpp>
#include <harmony/network/registry_store.hpp>

namespace harmony::cli {

using namespace harmony::network;

// Global options, filled by CLI11 before a sub-command runs.
struct GlobalOptions {
    std::string registry;  // --registry PATH
    // --lock-timeout SECONDS (text: the library reads it as decimal; given empty, refused)
    std::optional<std::string> lock_timeout;
    std::string store;         // --store URL
    std::string store_creds;   // --store-creds FILE
    std::string store_tls_ca;  // --store-tls-ca FILE
    std::string store_tls_cert;
    std::string store_tls_key;
    std::optional<std::string> store_timeout;  // --store-timeout SECONDS (given empty: refused)
    std::string color = "auto";                // --color auto|always|never
    bool no_headers = false;                   // --no-headers: tables without their header lines
    bool quiet = false;                        // -q, --quiet
};

// Adds --registry, --lock-timeout, the --store options, --color, --no-headers and -q to `app`.
void add_global_options(CLI::App& app, GlobalOptions& global);

// The fleet options the global options ask for (--store, else the library's choice).
Expected<FleetOptions> fleet_options(const GlobalOptions& global);

// The store options the global options and the environment ask for: --registry, else
// HARMONY_PORTS_REGISTRY, else discovery; --lock-timeout, else HARMONY_PORTS_LOCK_TIMEOUT, else
// 30 s, with one line on stderr once the lock has been waited for about a second.
Expected<StoreOptions> store_options(const GlobalOptions& global);

// The registry store those options find: the fleet store when one is named (--store,
// HARMONY_PORTS_STORE, harmony.toml), else the file store.
Expected<std::unique_ptr<RegistryStore>> open_store(const GlobalOptions& global);

// The fleet store those options name. Error: invalid_argument when none is named.
Expected<std::unique_ptr<FleetRegistryStore>> open_fleet_store(const GlobalOptions& global);

// The registry to read (validated, or the embedded ADR-014 default), where it came from and
// the files reading it read.
struct Loaded {
    std::string label;
    Registry registry;
    std::vector<CommandInput> inputs;
};
Expected<Loaded> load_for_reading(const GlobalOptions& global);

// Prints "harmony-ports: error: LINE" for each line of the message, the last one followed by
// "; HINT" in the CLI's words when the error has a hint (under --json: error_json() instead),
// and returns the exit code.
int report(const Error& error);

// A table cell: "-" for empty text, else the text made printable and cut to `limit` characters.
std::string or_dash(std::string_view text, std::size_t limit = 80);

// `text` wrapped in an ANSI colour for `severity` when colour is on (color_enabled()), or when
// `color` says so.
std::string paint(std::string_view text, Severity severity);
std::string paint(std::string_view text, Severity severity, bool color);

// Findings as "severity: message [code]" lines (with "  hint: ..." lines) plus a summary line.
std::string findings_text(const std::vector<Finding>& findings, bool color);

// Prints findings_text on stdout, coloured when colour is on.
void print_findings(const std::vector<Finding>& findings);

// The `check --json` document.
std::string findings_json(const std::vector<Finding>& findings);

// The files a command reading `store` has read: the store's own (store_inputs) and the
// --store-creds and --store-tls-* files named.
std::vector<CommandInput> store_files(const GlobalOptions& global, const RegistryStore& store);

// Writes `text` to stdout, or atomically to `path` when given, unless `path` is one of
// `inputs` (then invalid_argument, and nothing is written).
Expected<void> emit(const std::string& text, const std::string& path,
                    const std::vector<CommandInput>& inputs);

}  // namespace harmony::cli
