// Registry files on disk: names, discovery, loading with validation, canonical rendering.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/file_io.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_lock.hpp>

namespace harmony::network {

inline constexpr std::string_view k_registry_file = "harmony.network.ports.toml";
inline constexpr std::string_view k_registry_yaml_file = "harmony.network.ports.yaml";
inline constexpr std::string_view k_registry_yml_file = "harmony.network.ports.yml";
inline constexpr std::string_view k_config_file = "harmony.toml";

enum class RegistryFormat { toml, yaml };

// Format from the file name: .yaml/.yml -> yaml, anything else -> toml.
RegistryFormat format_for_path(const std::filesystem::path& path);

// Walks up from `start` (as git finds .git) and returns the first folder's registry file
// (toml, then yaml, then yml), or nullopt when none exists up to the root.
std::optional<std::filesystem::path> discover_registry(const std::filesystem::path& start);

// Walks up from `start` for harmony.toml alone (used when no registry exists anywhere above).
std::optional<std::filesystem::path> discover_config(const std::filesystem::path& start);

// True for the three names discovery looks for (harmony.network.ports.{toml,yaml,yml}).
bool is_registry_file_name(std::string_view name);

// The registry files (toml, yaml, yml) that exist in `folder`: more than one is ambiguous.
std::vector<std::filesystem::path> registry_files_in(const std::filesystem::path& folder);

// Parses registry text. `file` names the source in messages. Syntax errors are parse_error, and
// so is input beyond limits.hpp (larger than k_max_input_bytes, nested deeper than
// k_max_nesting_depth, a dotted key of more than k_max_key_parts parts);
// content errors (unknown keys, bad names, wrong types, bad ranges, duplicates, overlaps,
// entries outside the range or their pool) are all collected: invalid_registry whose message
// holds one "file:line:col: what" line per problem (Error::position: the first problem's).
// `range` is the orchestrator range.
Expected<Registry> parse_registry(std::string_view text, RegistryFormat format,
                                  std::string_view file, PortRange range);

// Like parse_registry, but conflicts between valid entries (duplicate name, overlapping
// ports, outside range or pool, overlapping pools) come back as error findings with codes
// duplicate-name, duplicate-port, outside-range, outside-pool, pool-overlap instead of failing.
struct LenientLoad {
    Registry registry;
    std::vector<Finding> problems;
};
Expected<LenientLoad> parse_registry_lenient(std::string_view text, RegistryFormat format,
                                             std::string_view file, PortRange range);

// Reads [harmony.network.defaults] orchestrator_port_range from harmony.toml text; other keys
// are Harmony's and ignored. Missing key: k_adr014_range. Errors: parse_error (syntax and the
// limits of limits.hpp, as parse_registry), invalid_argument (a bad range).
Expected<PortRange> parse_harmony_config(std::string_view text, std::string_view file);

// Renders the registry canonically (fixed key order, entries sorted, stable across runs).
std::string render_registry(const Registry& registry, RegistryFormat format);

// Reads [harmony.network.store] url from harmony.toml text: empty when absent. Errors as
// parse_harmony_config.
Expected<std::string> parse_harmony_store_url(std::string_view text, std::string_view file);

// The harmony.toml text `init` writes for `range`.
std::string render_harmony_config(PortRange range);

// The files one registry lives in.
struct RegistryPaths {
    std::filesystem::path registry;  // harmony.network.ports.{toml,yaml,yml}
    std::filesystem::path config;    // harmony.toml beside it
};

// Paths for an explicit registry file path: harmony.toml is read from the folder the path
// names (a linked registry still takes its range from the folder it is linked into).
RegistryPaths paths_for(const std::filesystem::path& registry);

// Reads harmony.toml (if present; else the ADR-014 range) and the registry at `paths`.
// Errors: io_error/permission_denied (unreadable), parse_error, invalid_registry.
Expected<Registry> load_registry(const RegistryPaths& paths);
Expected<LenientLoad> load_registry_lenient(const RegistryPaths& paths);

// Reads harmony.toml at `path` for its orchestrator range: nullopt when the file does not
// exist. Errors: the file's read and parse errors.
Expected<std::optional<PortRange>> read_harmony_config(const std::filesystem::path& path);

}  // namespace harmony::network
