// hp_allocator: the in-memory PortAllocator of ADR-014 §4 behind the C ABI.
#include <harmony/network/check.hpp>

#include "capi/handles.hpp"

using harmony::capi::Expected;
using harmony::capi::guarded;
using harmony::capi::require;
using harmony::capi::text_arg;
using harmony::capi::TextRule;
namespace network = harmony::network;

namespace {

// A copy of the allocator's registry, taken under its mutex, so that slow work on it (checks,
// exports) does not hold up other threads.
network::Registry snapshot(hp_allocator& allocator) {
    const std::scoped_lock lock(allocator.mutex);
    return allocator.ports.registry();
}

}  // namespace

extern "C" {

hp_status hp_allocator_new(uint16_t first, uint16_t last, hp_allocator** out, hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = require(out, "result pointer"); !ok) {
            return ok;
        }
        *out = new hp_allocator{{}, network::PortAllocator(first, last)};
        return {};
    });
}

void hp_allocator_free(hp_allocator* allocator) {
    delete allocator;
}

hp_status hp_allocator_allocate(hp_allocator* allocator, const char* name, size_t name_size,
                                const hp_allocate_options* options, hp_port_range* out,
                                hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        auto call = harmony::capi::allocate_call(allocator, "allocator handle", name, name_size,
                                                 options, out);
        if (!call) {
            return std::unexpected(call.error());
        }
        const std::scoped_lock lock(allocator->mutex);
        if (auto ok = add_probe(call->request, allocator->ports.range()); !ok) {
            return ok;
        }
        auto placed = allocator->ports.allocate(call->name, call->request.options);
        if (!placed) {
            return std::unexpected(placed.error());
        }
        *out = harmony::capi::to_c(*placed);
        return {};
    });
}

hp_status hp_allocator_release(hp_allocator* allocator, const char* name, size_t name_size,
                               int32_t quarantine_days, hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        auto call = harmony::capi::release_call(allocator, "allocator handle", name, name_size,
                                                quarantine_days);
        if (!call) {
            return std::unexpected(call.error());
        }
        const std::scoped_lock lock(allocator->mutex);
        auto released = allocator->ports.release(call->name, call->options);
        if (!released) {
            return std::unexpected(released.error());
        }
        return {};
    });
}

hp_status hp_allocator_add_pool(hp_allocator* allocator, const char* name, size_t name_size,
                                hp_port_range ports, int reserved, hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = require(allocator, "allocator handle"); !ok) {
            return ok;
        }
        auto text = text_arg(name, name_size, "pool name", TextRule::any);
        if (!text) {
            return std::unexpected(text.error());
        }
        const std::scoped_lock lock(allocator->mutex);
        return allocator->ports.add_pool(*text, network::PortRange{ports.first, ports.last},
                                         reserved != 0);
    });
}

hp_status hp_allocator_find(hp_allocator* allocator, const char* name, size_t name_size,
                            hp_allocations** out, hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = harmony::capi::require_call(allocator, "allocator handle", out); !ok) {
            return ok;
        }
        auto text = text_arg(name, name_size, "service name", TextRule::any);
        if (!text) {
            return std::unexpected(text.error());
        }
        std::vector<network::Allocation> found;
        const std::scoped_lock lock(allocator->mutex);
        if (const auto* a = allocator->ports.find(*text); a != nullptr) {
            found.push_back(*a);
        }
        *out = harmony::capi::make_allocations(std::move(found));
        return {};
    });
}

hp_status hp_allocator_list(hp_allocator* allocator, hp_allocations** out, hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = harmony::capi::require_call(allocator, "allocator handle", out); !ok) {
            return ok;
        }
        const std::scoped_lock lock(allocator->mutex);
        *out = harmony::capi::make_allocations(allocator->ports.registry().allocations);
        return {};
    });
}

hp_status hp_allocator_check(hp_allocator* allocator, unsigned flags, hp_findings** out,
                             hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = harmony::capi::require_call(allocator, "allocator handle", out); !ok) {
            return ok;
        }
        auto options = harmony::capi::check_options(flags);
        if (!options) {
            return std::unexpected(options.error());
        }
        const network::Registry registry = snapshot(*allocator);
        auto findings = network::check_registry(registry, *options);
        if (!findings) {
            return std::unexpected(findings.error());
        }
        *out = harmony::capi::make_findings(std::move(*findings));
        return {};
    });
}

hp_status hp_allocator_export(hp_allocator* allocator, const char* format, size_t format_size,
                              const hp_export_options* options, char** out, size_t* out_size,
                              hp_error** error) {
    return guarded(error, [&]() -> Expected<void> {
        if (auto ok = harmony::capi::require_call(allocator, "allocator handle", out); !ok) {
            return ok;
        }
        const network::Registry registry = snapshot(*allocator);
        auto text = harmony::capi::export_text(registry, format, format_size, options,
                                               "in-memory allocator");
        if (!text) {
            return std::unexpected(text.error());
        }
        harmony::capi::hand_out(*text, out, out_size);
        return {};
    });
}

}  // extern "C"
