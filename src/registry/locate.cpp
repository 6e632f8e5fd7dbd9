// Where the registry is: named by the caller, found by walking up, or the embedded default.
#include <cstdlib>

#include <fmt/format.h>

#include <harmony/network/registry_store.hpp>

#include "registry/named_file.hpp"
#include "registry/os_error.hpp"
#include "registry/trust.hpp"

namespace harmony::network {
namespace fs = std::filesystem;
using detail::shown;

namespace {

Expected<RegistryLocation> named(const fs::path& path) {
    if (auto ok = detail::require_registry_file_path(path); !ok) {
        return std::unexpected(ok.error());
    }
    return RegistryLocation{paths_for(path), path.string()};
}

// A discovered file and the harmony.toml beside it, each checked for trust.
Expected<RegistryLocation> discovered(const fs::path& found) {
    if (auto all = registry_files_in(found.parent_path()); all.size() > 1) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("both {} and {} exist; keep one registry per folder", shown(all[0]),
                                shown(all[1])));
    }
    RegistryPaths paths = paths_for(found);
    for (const fs::path& file : {paths.registry, paths.config}) {
        if (!entry_exists(file)) {
            continue;
        }
        if (auto ok = detail::require_trusted(file); !ok) {
            return std::unexpected(ok.error());
        }
        if (auto ok = require_regular_or_missing(file); !ok) {
            return std::unexpected(ok.error());
        }
    }
    return RegistryLocation{paths, found.string()};
}

// No registry anywhere above: the embedded table, on harmony.toml's range if there is one.
Expected<RegistryLocation> embedded(const fs::path& start) {
    auto config = discover_config(start);
    if (!config) {
        return RegistryLocation{std::nullopt, "embedded ADR-014 default"};
    }
    if (auto ok = detail::require_trusted(*config); !ok) {
        return std::unexpected(ok.error());
    }
    auto range = read_harmony_config(*config);
    if (!range) {
        return std::unexpected(range.error());
    }
    return RegistryLocation{
        std::nullopt, fmt::format("embedded ADR-014 default on the range of {}", shown(*config)),
        range->value_or(k_adr014_range)};
}

}  // namespace

Expected<void> detail::require_registry_file_path(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("{}: is a folder, not a registry file", shown(path)),
                    Hint{HintKind::name_registry_file, path.string()});
    }
    return require_regular_or_missing(path);
}

fs::path registry_path_from_environment() {
    const char* env = std::getenv("HARMONY_PORTS_REGISTRY");
    return env != nullptr ? fs::path(env) : fs::path();
}

Expected<std::optional<std::chrono::milliseconds>> lock_timeout_from_environment() {
    const char* env = std::getenv("HARMONY_PORTS_LOCK_TIMEOUT");
    if (env == nullptr || *env == '\0') {
        return std::optional<std::chrono::milliseconds>{};
    }
    auto timeout = parse_lock_timeout(env, "HARMONY_PORTS_LOCK_TIMEOUT");
    if (!timeout) {
        return std::unexpected(timeout.error());
    }
    return std::optional<std::chrono::milliseconds>(*timeout);
}

Expected<RegistryLocation> locate_registry(const StoreOptions& options) {
    if (!options.registry.empty()) {
        return named(options.registry);
    }
    std::error_code ec;
    fs::path start = options.start.empty() ? fs::current_path(ec) : options.start;
    if (ec) {
        return fail(ErrorCode::io_error,
                    fmt::format("cannot read the working folder: {}", ec.message()));
    }
    auto where = [&] {
        auto found = discover_registry(start);
        return found ? discovered(*found) : embedded(start);
    }();
    if (where) {
        where->searched_from = start;
    }
    return where;
}

}  // namespace harmony::network
