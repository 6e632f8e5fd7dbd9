#include <harmony/network/registry_lookup.hpp>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "util/did_you_mean.hpp"
#include "util/printable.hpp"

namespace harmony::network {

Expected<NamedEntries> find_named_entries(const Registry& input, std::string_view name,
                                          std::string_view label) {
    Registry registry = input;
    canonicalize(registry);
    NamedEntries out;
    std::vector<std::string> names;
    for (const auto& a : registry.allocations) {
        if (a.name == name) {
            out.allocation = a;
        }
        names.push_back(a.name);
    }
    for (const auto& e : registry.released) {
        if (e.name == name) {
            out.quarantine.push_back(e);
        }
        names.push_back(e.name);
    }
    if (out.allocation || !out.quarantine.empty()) {
        return out;
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    const std::string close = util::closest_match(name, names);
    std::string message =
        fmt::format("no allocation named '{}' in {}", util::printable_text(name), label);
    if (!close.empty()) {
        message += fmt::format(" (did you mean {}?)", util::printable_text(close));
    }
    return fail(ErrorCode::not_found, std::move(message));
}

Expected<PoolLookup> lookup_pool(const Registry& registry, std::string_view name,
                                 std::string_view label) {
    if (name == k_default_pool_name) {
        return PoolLookup{"", registry.range};
    }
    std::vector<std::string> names{std::string(k_default_pool_name)};
    for (const auto& pool : registry.pools) {
        if (pool.name == name) {
            return PoolLookup{pool.name, pool.ports};
        }
        names.push_back(pool.name);
    }
    const std::string close = util::closest_match(name, names);
    std::string message =
        fmt::format("no pool named '{}' in {}", util::printable_text(name, 64), label);
    if (!close.empty()) {
        message += fmt::format(" (did you mean {}?)", util::printable_text(close));
    }
    return fail(ErrorCode::not_found, std::move(message));
}

}  // namespace harmony::network
