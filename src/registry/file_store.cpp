// The file store: the registry transaction on harmony.network.ports.{toml,yaml,yml}.
#include <harmony/network/registry_store.hpp>

#include <fmt/format.h>

#include "registry/os_error.hpp"

namespace harmony::network {
namespace fs = std::filesystem;

Expected<FileRegistryStore> FileRegistryStore::open(const StoreOptions& options) {
    auto where = locate_registry(options);
    if (!where) {
        return std::unexpected(where.error());
    }
    return FileRegistryStore(std::move(*where), options.lock);
}

Expected<Registry> FileRegistryStore::read() {
    if (!m_where.paths) {
        return adr014_default_registry(m_where.default_range);
    }
    return load_registry(*m_where.paths);
}

Expected<LenientLoad> FileRegistryStore::read_lenient() {
    if (!m_where.paths) {
        return LenientLoad{adr014_default_registry(m_where.default_range), {}};
    }
    return load_registry_lenient(*m_where.paths);
}

namespace {

// Applies `change` to what is on disk now and writes the result if it differs (and `write`);
// `real` is the registry's resolved path, where writers leave their temporaries.
Expected<void> change_under_lock(const RegistryPaths& paths, const fs::path& real,
                                 const RegistryChange& change, bool write) {
    // Under the lock, temporaries beside the registry belong to writers that died mid-write.
    if (write) {
        remove_stale_temporaries(real);
    }
    // Read under the lock so no concurrent writer's entry can be lost.
    auto registry = load_registry(paths);
    if (!registry) {
        return std::unexpected(registry.error());
    }
    PortAllocator allocator(std::move(*registry));
    allocator.prune_expired(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    // Dropping expired quarantine alone is not worth a write: it rides along with a change.
    const auto before = allocator.revision();
    if (auto changed = change(allocator); !changed) {
        // Name the registry the request was made against, as every other message does.
        Error error = changed.error();
        error.message = detail::shown(paths.registry) + ": " + error.message;
        return std::unexpected(std::move(error));
    }
    if (allocator.revision() == before || !write) {
        return {};  // nothing changed (or a dry run): no write, so an idempotent call works on
                    // read-only files
    }
    return write_file_atomically(
        paths.registry, render_registry(allocator.registry(), format_for_path(paths.registry)));
}

}  // namespace

Expected<void> FileRegistryStore::transact(const RegistryChange& change) {
    if (!m_where.paths) {
        const fs::path& searched = m_where.searched_from;
        return fail(ErrorCode::not_found,
                    fmt::format("no {} found in {} or any folder above it", k_registry_file,
                                detail::shown(searched)),
                    Hint{HintKind::create_registry, searched.string()});
    }
    const RegistryPaths& paths = *m_where.paths;
    auto real = resolve_file_path(paths.registry);
    if (!real) {
        return std::unexpected(real.error());
    }
    if (dry_run()) {
        return change_under_lock(paths, *real, change, false);  // no lock: nothing is written
    }
    // The lock lives in the folder the data really is in, shared by every link to it.
    auto lock = RegistryLock::acquire(real->parent_path(), m_lock);
    if (!lock) {
        return std::unexpected(lock.error());
    }
    return change_under_lock(paths, *real, change, true);
}

}  // namespace harmony::network
