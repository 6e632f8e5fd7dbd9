// Which store a program talks to: a flag, the environment, harmony.toml, or the file store.
#include <harmony/network/fleet_store.hpp>

#include <fmt/format.h>

#include <harmony/network/file_io.hpp>
#include <harmony/network/registry_file.hpp>

#include "registry/os_error.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

// [harmony.network.store] url of the harmony.toml that discovery found, or empty.
Expected<std::string> configured_url(const RegistryLocation& where, const StoreOptions& options) {
    std::optional<std::filesystem::path> config;
    if (where.paths) {
        config = where.paths->config;
    } else {
        config = discover_config(options.start.empty() ? std::filesystem::current_path()
                                                       : options.start);
    }
    std::error_code ignored;
    if (!config || !std::filesystem::exists(*config, ignored)) {
        return std::string();
    }
    auto text = read_file(*config);
    if (!text) {
        return std::unexpected(text.error());
    }
    return parse_harmony_store_url(*text, config->string());
}

Expected<std::unique_ptr<RegistryStore>> open_fleet(const FleetOptions& fleet) {
    auto store = FleetRegistryStore::open(fleet);
    if (!store) {
        return std::unexpected(store.error());
    }
    return std::unique_ptr<RegistryStore>(std::move(*store));
}

}  // namespace

Expected<std::unique_ptr<RegistryStore>> open_registry_store(const StoreOptions& options,
                                                             const FleetOptions& fleet) {
    if (!fleet.url.empty() && !options.registry.empty()) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("both a registry file ({}) and a store ({}) were named; a "
                                "command works on one",
                                detail::shown(options.registry),
                                util::printable_text(redact_store_url(fleet.url), 200)));
    }
    FleetOptions chosen = fleet;
    StoreOptions files = options;
    if (chosen.url.empty() && files.registry.empty()) {
        chosen.url = store_url_from_environment();
        files.registry = registry_path_from_environment();
        if (!chosen.url.empty() && !files.registry.empty()) {
            return fail(ErrorCode::invalid_argument,
                        "the environment names both a registry file (HARMONY_PORTS_REGISTRY) "
                        "and a store (HARMONY_PORTS_STORE); a command works on one");
        }
    }
    if (chosen.url.empty() && files.registry.empty()) {
        auto where = locate_registry(files);
        if (!where) {
            return std::unexpected(where.error());
        }
        auto url = configured_url(*where, files);
        if (!url) {
            return std::unexpected(url.error());
        }
        chosen.url = *url;
    }
    if (!chosen.url.empty()) {
        return open_fleet(chosen);
    }
    auto store = FileRegistryStore::open(files);
    if (!store) {
        return std::unexpected(store.error());
    }
    return std::unique_ptr<RegistryStore>(std::make_unique<FileRegistryStore>(std::move(*store)));
}

}  // namespace harmony::network
