// RegistryStore: the registry transaction — find, lock, read, change, write — owned by the
// library, so no program repeats its steps or gets their order wrong.
//
//   auto store = harmony::network::FileRegistryStore::open();            // found as git finds .git
//   if (!store) return report(store.error());
//   auto port = store->update([](auto& ports) { return ports.allocate("ntfy"); });
//   // port: Expected<PortRange>, durable on disk once it holds a value
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>

#include <harmony/network/allocator.hpp>
#include <harmony/network/error.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_file.hpp>
#include <harmony/network/registry_lock.hpp>

namespace harmony::network {

// One change made inside a transaction: it edits the registry through the allocator.
using RegistryChange = std::function<Expected<void>(PortAllocator&)>;

// Where a registry lives and how it is changed. Implementations: the file store (below); the
// fleet store of a later release. Not thread-safe: one transaction at a time per object.
class RegistryStore {
  public:
    virtual ~RegistryStore() = default;

    // Where the registry lives, for messages: a file path, or the embedded default.
    [[nodiscard]] virtual std::string label() const = 0;

    // The registry, validated: any problem is an error (invalid_registry with every position).
    virtual Expected<Registry> read() = 0;

    // The registry with conflicts between valid entries returned as findings, not errors.
    virtual Expected<LenientLoad> read_lenient() = 0;

    // One transaction: lock, read under the lock, drop expired quarantine, apply `change`, and
    // write only when the registry's content changed. When `change` fails nothing is written.
    virtual Expected<void> transact(const RegistryChange& change) = 0;

    // transact() for a change that returns a value: the value once it is durable.
    // `change` is called as change(PortAllocator&) and returns Expected<T>.
    template <typename Change>
    auto update(Change&& change) -> std::invoke_result_t<Change&, PortAllocator&>;

    // With dry run on, later transactions read and apply their change as ever (same values,
    // same errors) but write nothing: no file, lock or temporary is touched, no store key is
    // written. For previews (`allocate --dry-run`).
    void set_dry_run(bool on) noexcept { m_dry_run = on; }

    // True when transactions only preview their change.
    [[nodiscard]] bool dry_run() const noexcept { return m_dry_run; }

  private:
    bool m_dry_run = false;
};

// Where to find the registry and how long to wait for its lock.
struct StoreOptions {
    // The registry file the caller names (trusted as named; need not exist for init). Empty:
    // discover from `start`, as git finds .git, trusting only files owned by the caller or root.
    std::filesystem::path registry{};
    // Where discovery starts; empty: the working folder.
    std::filesystem::path start{};
    LockOptions lock{};
};

// The registry path named by the environment (HARMONY_PORTS_REGISTRY), or empty.
std::filesystem::path registry_path_from_environment();

// The lock timeout named by the environment (HARMONY_PORTS_LOCK_TIMEOUT, seconds), if set.
// Error: invalid_argument when it is not a whole decimal number of seconds.
Expected<std::optional<std::chrono::milliseconds>> lock_timeout_from_environment();

// Where discovery found the registry.
struct RegistryLocation {
    std::optional<RegistryPaths> paths;        // nullopt: no file; the embedded default applies
    std::string label;                         // the file, or "embedded ADR-014 default ..."
    PortRange default_range = k_adr014_range;  // without a file: the nearest harmony.toml's
    std::filesystem::path searched_from{};     // where discovery started (empty: named)
};

// Finds the registry for `options`: the named file, else the nearest folder above `start`
// holding one (two in one folder are refused), else the embedded default on the range of the
// nearest harmony.toml. A discovered file (or harmony.toml) owned by neither the caller nor
// root, or in a folder others may write to (no sticky bit), is refused: untrusted, hint
// trust_explicitly. Errors: invalid_argument (a folder or non-regular file named), untrusted,
// parse errors of harmony.toml, io_error.
Expected<RegistryLocation> locate_registry(const StoreOptions& options);

// The registry in files: harmony.network.ports.{toml,yaml,yml} with harmony.toml beside it.
class FileRegistryStore final : public RegistryStore {
  public:
    // Locates the registry (see locate_registry); reads nothing else yet.
    static Expected<FileRegistryStore> open(const StoreOptions& options = {});

    [[nodiscard]] std::string label() const override { return m_where.label; }
    // Without a file: the embedded ADR-014 table on the located default range.
    Expected<Registry> read() override;
    Expected<LenientLoad> read_lenient() override;
    // Without a file: not_found, hint create_registry. Errors of the change carry the
    // registry's path in their message.
    Expected<void> transact(const RegistryChange& change) override;

    [[nodiscard]] const RegistryLocation& location() const noexcept { return m_where; }

    // How later transactions wait for the lock.
    void set_lock_options(LockOptions lock) { m_lock = std::move(lock); }

  private:
    FileRegistryStore(RegistryLocation where, LockOptions lock)
        : m_where(std::move(where)), m_lock(std::move(lock)) {}
    RegistryLocation m_where;
    LockOptions m_lock;
};

// What init writes and where.
struct InitOptions {
    std::filesystem::path registry{};  // the file to write; empty: `folder` + the default name
    std::filesystem::path folder{};    // empty: the working folder
    std::optional<RegistryFormat> format{};  // unset: the registry path's extension (else toml)
    std::optional<PortRange> range{};        // unset: harmony.toml's, else ADR-014's
    bool empty = false;                      // no pools or allocations
    bool force = false;                      // replace an existing registry in that folder
    LockOptions lock{};
};

struct InitResult {
    RegistryPaths paths;
    Registry registry;
    bool wrote_config = false;                   // harmony.toml was created
    std::vector<std::filesystem::path> removed;  // other-format registries replaced (force)
};

// Writes the registry (the ADR-014 table, or empty) and, when absent, harmony.toml; never
// rewrites harmony.toml. Without `force`, any existing registry at the target or in its folder
// is already_exists (hint overwrite); with it, the target is replaced and registries of the
// other format in that folder are removed, so one registry remains. Errors: invalid_argument
// (the path's extension disagrees with `format`; a folder or non-regular file), already_exists
// (also: harmony.toml names another range), and file errors.
Expected<InitResult> init_registry(const InitOptions& options);

template <typename Change>
auto RegistryStore::update(Change&& change) -> std::invoke_result_t<Change&, PortAllocator&> {
    using Result = std::invoke_result_t<Change&, PortAllocator&>;
    std::optional<Result> result;
    auto done = transact([&](PortAllocator& allocator) -> Expected<void> {
        result.emplace(change(allocator));
        if (!*result) {
            return std::unexpected(result->error());
        }
        return {};
    });
    if (!done) {
        return std::unexpected(done.error());
    }
    return std::move(*result);
}

}  // namespace harmony::network
