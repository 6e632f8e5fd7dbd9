// init: the first registry in a folder, written once; harmony.toml created, never rewritten.
#include <fmt/format.h>

#include <harmony/network/registry_store.hpp>

#include "registry/named_file.hpp"
#include "registry/os_error.hpp"

namespace harmony::network {
namespace fs = std::filesystem;
using detail::shown;

namespace {

std::string_view format_name(RegistryFormat format) {
    return format == RegistryFormat::yaml ? "yaml" : "toml";
}

// The target file and its format: the path's extension must agree with an asked-for format.
Expected<std::pair<fs::path, RegistryFormat>> target_of(const InitOptions& options) {
    if (options.registry.empty()) {
        const RegistryFormat format = options.format.value_or(RegistryFormat::toml);
        std::error_code ec;
        fs::path folder = options.folder.empty() ? fs::current_path(ec) : options.folder;
        if (ec) {
            return fail(ErrorCode::io_error,
                        fmt::format("cannot read the working folder: {}", ec.message()));
        }
        return std::pair{
            folder / (format == RegistryFormat::yaml ? k_registry_yaml_file : k_registry_file),
            format};
    }
    const RegistryFormat by_name = format_for_path(options.registry);
    if (options.format && *options.format != by_name) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("{}: its name says {}, but a {} registry was asked for",
                                shown(options.registry), format_name(by_name),
                                format_name(*options.format)));
    }
    return std::pair{options.registry, by_name};
}

// Every registry already in the target's folder (the target itself included, whatever its
// name); refused unless `force`.
Expected<std::vector<fs::path>> existing_registries(const fs::path& target, bool force) {
    std::vector<fs::path> existing = registry_files_in(target.parent_path());
    if (entry_exists(target) &&
        std::find(existing.begin(), existing.end(), target) == existing.end()) {
        existing.insert(existing.begin(), target);
    }
    if (!existing.empty() && !force) {
        return fail(ErrorCode::already_exists,
                    fmt::format("{} already exists", shown(existing.front())),
                    Hint{HintKind::overwrite, existing.front().string()});
    }
    return existing;
}

// The range to write: asked for, else harmony.toml's, else ADR-014's; a harmony.toml naming
// another range than the one asked for is Harmony's to change, not ours.
Expected<std::pair<PortRange, bool>> range_for(const InitOptions& options, const fs::path& config) {
    auto existing = read_harmony_config(config);
    if (!existing) {
        return std::unexpected(existing.error());
    }
    const PortRange range = options.range.value_or(existing->value_or(k_adr014_range));
    if (*existing && **existing != range) {
        return fail(ErrorCode::already_exists,
                    fmt::format("{} gives orchestrator_port_range {}, not {}; change it there "
                                "(init never rewrites harmony.toml)",
                                shown(config), (*existing)->to_string(), range.to_string()));
    }
    return std::pair{range, !existing->has_value()};
}

}  // namespace

Expected<InitResult> init_registry(const InitOptions& options) {
    auto target = target_of(options);
    if (!target) {
        return std::unexpected(target.error());
    }
    const auto [path, format] = *target;
    RegistryPaths paths = paths_for(path);
    for (const fs::path& file : {paths.registry, paths.config}) {
        if (auto ok = detail::require_registry_file_path(file); !ok) {
            return std::unexpected(ok.error());
        }
    }
    auto real = resolve_file_path(paths.registry);
    if (!real) {
        return std::unexpected(real.error());
    }
    auto lock = RegistryLock::acquire(real->parent_path(), options.lock);
    if (!lock) {
        return std::unexpected(lock.error());
    }
    auto existing = existing_registries(paths.registry, options.force);
    if (!existing) {
        return std::unexpected(existing.error());
    }
    auto range = range_for(options, paths.config);
    if (!range) {
        return std::unexpected(range.error());
    }
    InitResult result{paths,
                      options.empty ? Registry{} : adr014_default_registry(range->first),
                      range->second,
                      {}};
    result.registry.range = range->first;
    if (auto ok = write_file_atomically(paths.registry, render_registry(result.registry, format));
        !ok) {
        return std::unexpected(ok.error());
    }
    // Replaced by the new file: the other formats' registries, so one registry remains (a
    // file of a name of the caller's own is a registry only when named, so others stay).
    const bool standard_name = is_registry_file_name(paths.registry.filename().string());
    for (const fs::path& old : *existing) {
        std::error_code ec;
        if (standard_name && old != paths.registry && fs::remove(old, ec)) {
            result.removed.push_back(old);
        }
    }
    if (result.wrote_config) {
        if (auto ok = write_file_atomically(paths.config, render_harmony_config(range->first));
            !ok) {
            return std::unexpected(ok.error());
        }
    }
    return result;
}

}  // namespace harmony::network
