// hp_registry: the registry file behind the C ABI, changed by the library's own transaction
// (the CLI's discovery, trust, lock and atomic write).
#include <fmt/format.h>

#include <harmony/network/fleet_store.hpp>

#include "capi/handles.hpp"

using harmony::capi::Expected;
using harmony::capi::guarded;
using harmony::capi::require;
using harmony::capi::text_arg;
using harmony::capi::TextRule;
namespace network = harmony::network;

namespace {

// Opens the store for `options` with the lock timeout the environment names (as the CLI):
// the named file, or (`discover`) the store the environment or harmony.toml names, else the
// file found by walking up.
Expected<void> open_registry(network::StoreOptions options, bool discover, hp_registry** out) {
    if (auto ok = require(out, "result pointer"); !ok) {
        return ok;
    }
    auto timeout = network::lock_timeout_from_environment();
    if (!timeout) {
        return std::unexpected(timeout.error());
    }
    options.lock.timeout = timeout->value_or(network::k_default_lock_timeout);
    Expected<std::unique_ptr<network::RegistryStore>> store =
        discover ? network::open_registry_store(options, network::FleetOptions{})
                 : Expected<std::unique_ptr<network::RegistryStore>>(nullptr);
    if (!discover) {
        auto file = network::FileRegistryStore::open(options);
        if (!file) {
            return std::unexpected(file.error());
        }
        store = std::make_unique<network::FileRegistryStore>(std::move(*file));
    }
    if (!store) {
        return std::unexpected(store.error());
    }
    std::string label = (*store)->label();
    *out = new hp_registry{{}, std::move(*store), std::move(label)};
    return {};
}

// The registry as it is on disk now, validated, in canonical order.
Expected<network::Registry> read_canonical(hp_registry& registry) {
    auto read = registry.store->read();
    if (!read) {
        return std::unexpected(read.error());
    }
    network::canonicalize(*read);
    return read;
}

}  // namespace

extern "C" {

hp_status hp_registry_discover(const char* folder, size_t folder_size, hp_registry** out,
                               hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        network::StoreOptions options;  // the library weighs HARMONY_PORTS_{STORE,REGISTRY}
        if (folder != nullptr) {
            auto path = text_arg(folder, folder_size, "folder", TextRule::bytes);
            if (!path) {
                return std::unexpected(path.error());
            }
            options.start = std::string(*path);
        }
        return open_registry(std::move(options), true, out);
    });
}

hp_status hp_registry_open(const char* path, size_t path_size, hp_registry** out,
                           hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        auto named = text_arg(path, path_size, "registry path", TextRule::bytes);
        if (!named) {
            return std::unexpected(named.error());
        }
        if (named->empty()) {
            return network::fail(network::ErrorCode::invalid_argument,
                                 "the registry path is empty");
        }
        network::StoreOptions options;
        options.registry = std::string(*named);
        return open_registry(std::move(options), false, out);
    });
}

void hp_registry_free(hp_registry* registry) {
    delete registry;
}

const char* hp_registry_label(const hp_registry* registry) {
    // The location lives as long as the store, so its text outlives this call.
    return registry == nullptr ? "" : registry->label.c_str();
}

hp_status hp_registry_set_lock_timeout(hp_registry* registry, uint32_t milliseconds,
                                       hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = require(registry, "registry handle"); !ok) {
            return ok;
        }
        constexpr std::uint64_t k_max_ms =
            std::uint64_t{network::k_max_lock_timeout_seconds} * 1000;
        if (milliseconds > k_max_ms) {
            return network::fail(network::ErrorCode::invalid_argument,
                                 fmt::format("invalid lock timeout of {} ms: at most {} allowed",
                                             milliseconds, k_max_ms));
        }
        network::LockOptions lock;
        lock.timeout = std::chrono::milliseconds(milliseconds);
        const std::scoped_lock guard(registry->mutex);
        // A fleet store waits as its connection's timeout says; only files have locks.
        if (auto* file = dynamic_cast<network::FileRegistryStore*>(registry->store.get())) {
            file->set_lock_options(std::move(lock));
        }
        return {};
    });
}

hp_status hp_registry_allocate(hp_registry* registry, const char* name, size_t name_size,
                               const hp_allocate_options* options, hp_port_range* out,
                               hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        auto call = harmony::capi::allocate_call(registry, "registry handle", name, name_size,
                                                 options, out);
        if (!call) {
            return std::unexpected(call.error());
        }
        const std::scoped_lock guard(registry->mutex);
        auto placed = registry->store->update([&](network::PortAllocator& ports) {
            // Under the registry lock, so the host's picture is as fresh as the registry.
            if (auto ok = add_probe(call->request, ports.range()); !ok) {
                return network::Expected<network::PortRange>(std::unexpected(ok.error()));
            }
            return ports.allocate(call->name, call->request.options);
        });
        if (!placed) {
            return std::unexpected(placed.error());
        }
        *out = harmony::capi::to_c(*placed);
        return {};
    });
}

hp_status hp_registry_release(hp_registry* registry, const char* name, size_t name_size,
                              int32_t quarantine_days, hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        auto call = harmony::capi::release_call(registry, "registry handle", name, name_size,
                                                quarantine_days);
        if (!call) {
            return std::unexpected(call.error());
        }
        const std::scoped_lock guard(registry->mutex);
        auto released = registry->store->update([&](network::PortAllocator& ports) {
            return ports.release(call->name, call->options);
        });
        if (!released) {
            return std::unexpected(released.error());
        }
        return {};
    });
}

hp_status hp_registry_find(hp_registry* registry, const char* name, size_t name_size,
                           hp_allocations** out, hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = harmony::capi::require_call(registry, "registry handle", out); !ok) {
            return ok;
        }
        auto text = text_arg(name, name_size, "service name", TextRule::any);
        if (!text) {
            return std::unexpected(text.error());
        }
        const std::scoped_lock guard(registry->mutex);
        auto read = read_canonical(*registry);
        if (!read) {
            return std::unexpected(read.error());
        }
        std::erase_if(read->allocations,
                      [&](const network::Allocation& a) { return a.name != *text; });
        *out = harmony::capi::make_allocations(std::move(read->allocations));
        return {};
    });
}

hp_status hp_registry_list(hp_registry* registry, hp_allocations** out, hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = harmony::capi::require_call(registry, "registry handle", out); !ok) {
            return ok;
        }
        const std::scoped_lock guard(registry->mutex);
        auto read = read_canonical(*registry);
        if (!read) {
            return std::unexpected(read.error());
        }
        *out = harmony::capi::make_allocations(std::move(read->allocations));
        return {};
    });
}

hp_status hp_registry_check(hp_registry* registry, unsigned flags, hp_findings** out,
                            hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = harmony::capi::require_call(registry, "registry handle", out); !ok) {
            return ok;
        }
        auto options = harmony::capi::check_options(flags);
        if (!options) {
            return std::unexpected(options.error());
        }
        const std::scoped_lock guard(registry->mutex);
        auto checked = network::check_store(*registry->store, *options);
        if (!checked) {
            return std::unexpected(checked.error());
        }
        *out = harmony::capi::make_findings(std::move(checked->findings));
        return {};
    });
}

hp_status hp_registry_export(hp_registry* registry, const char* format, size_t format_size,
                             const hp_export_options* options, char** out, size_t* out_size,
                             hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = harmony::capi::require_call(registry, "registry handle", out); !ok) {
            return ok;
        }
        const std::scoped_lock guard(registry->mutex);
        auto read = registry->store->read();
        if (!read) {
            return std::unexpected(read.error());
        }
        auto text =
            harmony::capi::export_text(*read, format, format_size, options, registry->label);
        if (!text) {
            return std::unexpected(text.error());
        }
        harmony::capi::hand_out(*text, out, out_size);
        return {};
    });
}

}  // extern "C"
