#include "checked_store.hpp"

#include <chrono>

#include <harmony/network/fleet_check.hpp>

namespace harmony::cli {

Expected<ChosenStore> open_chosen_store(const GlobalOptions& global, bool fleet,
                                        const HostOptions& live) {
    ChosenStore chosen;
    if (fleet) {
        auto store = open_fleet_store(global);
        if (!store) {
            return std::unexpected(store.error());
        }
        chosen.fleet = store->get();
        chosen.store = std::move(*store);
    } else {
        auto store = open_store(global);
        if (!store) {
            return std::unexpected(store.error());
        }
        chosen.store = std::move(*store);
    }
    auto inside = enter_netns(live);
    if (!inside) {
        return std::unexpected(inside.error());
    }
    if (*inside) {
        chosen.netns.emplace(std::move(**inside));
    }
    return chosen;
}

std::vector<Finding> fleet_findings(const std::vector<HostReportEntry>& entries,
                                    const Registry& registry, const Topology* topology) {
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return check_fleet_entries(registry, entries, now, topology);
}

}  // namespace harmony::cli
