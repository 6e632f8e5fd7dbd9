#include <harmony/network/port_map.hpp>

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include <harmony/network/host_report.hpp>
#include <harmony/network/known_ports.hpp>
#include <harmony/network/registry_lookup.hpp>

#include "util/printable.hpp"

namespace harmony::network {
namespace {

std::size_t offset_in(const PortRange& shown, Port port) {
    return static_cast<std::size_t>(port - shown.first);
}

// Calls visit(details) for each port of `ports` that lies inside the map.
template <typename Visit>
void for_each_port(PortMap& map, const PortRange& ports, Visit visit) {
    if (!ports.overlaps(map.shown)) {
        return;
    }
    const Port first = std::max(ports.first, map.shown.first);
    const Port last = std::min(ports.last, map.shown.last);
    for (std::uint32_t p = first; p <= last; ++p) {
        visit(map.ports[offset_in(map.shown, static_cast<Port>(p))]);
    }
}

template <typename Entry>
std::vector<Entry> overlapping(const std::vector<Entry>& entries, const PortRange& shown) {
    std::vector<Entry> out;
    for (const auto& e : entries) {
        if (e.ports.overlaps(shown)) {
            out.push_back(e);
        }
    }
    return out;
}

void mark_registry(PortMap& map) {
    for (std::size_t i = 0; i < map.pools.size(); ++i) {
        for_each_port(map, map.pools[i].ports,
                      [&](PortDetails& d) { d.pool = static_cast<int>(i); });
    }
    for (std::size_t i = 0; i < map.released.size(); ++i) {
        for_each_port(map, map.released[i].ports,
                      [&](PortDetails& d) { d.released = static_cast<int>(i); });
    }
    for (std::size_t i = 0; i < map.allocations.size(); ++i) {
        for_each_port(map, map.allocations[i].ports, [&](PortDetails& d) {
            if (d.allocation < 0) {  // two overlapping allocations: the first keeps the port
                d.allocation = static_cast<int>(i);
            }
        });
    }
}

void mark_reference_data(PortMap& map) {
    for (const auto& row : iana_assignments_in(map.shown)) {
        const std::string text = fmt::format("{}/{}", row.service, to_string(row.transport));
        for_each_port(map, row.ports, [&](PortDetails& d) { d.iana.push_back(text); });
    }
    for (const auto& row : known_software_in(map.shown)) {
        const std::string text = fmt::format("{}/{}", row.software, to_string(row.transport));
        for_each_port(map, PortRange{row.port, row.port},
                      [&](PortDetails& d) { d.known.push_back(text); });
    }
}

void mark_live_and_findings(PortMap& map) {
    for (std::size_t i = 0; i < map.holders.size(); ++i) {
        const Port port = map.holders[i].port;
        for_each_port(map, PortRange{port, port},
                      [&](PortDetails& d) { d.holders.push_back(static_cast<int>(i)); });
    }
    for (std::size_t i = 0; i < map.findings.size(); ++i) {
        for_each_port(map, *map.findings[i].ports,
                      [&](PortDetails& d) { d.findings.push_back(static_cast<int>(i)); });
    }
}

// An error about these ports in particular: one about the whole orchestrator range (the
// ephemeral range reaching into it, say) is listed, but would paint every cell alike.
bool marks_conflict(const PortMap& map, const Finding& finding) {
    return finding.severity == Severity::error && !finding.ports->contains(map.range);
}

PortState state_of(const PortMap& map, const PortDetails& d) {
    if (d.allocation < 0 && !d.holders.empty()) {
        return PortState::in_use;  // its port-in-use error says just that
    }
    const bool conflict = std::any_of(d.findings.begin(), d.findings.end(), [&](int f) {
        return marks_conflict(map, map.findings[static_cast<std::size_t>(f)]);
    });
    if (conflict) {
        return PortState::conflict;
    }
    if (d.allocation >= 0) {
        return PortState::allocated;
    }
    if (d.released >= 0) {
        return PortState::quarantined;
    }
    if (d.pool >= 0) {
        return map.pools[static_cast<std::size_t>(d.pool)].reserved ? PortState::reserved
                                                                    : PortState::pool;
    }
    if (!d.iana.empty() || !d.known.empty()) {
        return PortState::registered;
    }
    return PortState::free;
}

bool holder_order(const PortHolder& a, const PortHolder& b) {
    return std::tie(a.port, a.host, a.protocol, a.address, a.pid) <
           std::tie(b.port, b.host, b.protocol, b.address, b.pid);
}

}  // namespace

std::string_view to_string(PortState state) noexcept {
    switch (state) {
        case PortState::free:
            return "free";
        case PortState::registered:
            return "registered";
        case PortState::pool:
            return "pool";
        case PortState::reserved:
            return "reserved";
        case PortState::quarantined:
            return "quarantined";
        case PortState::allocated:
            return "allocated";
        case PortState::in_use:
            return "in-use";
        case PortState::conflict:
            return "conflict";
    }
    return "free";
}

Expected<PortMap> build_port_map(const Registry& registry, PortMapInput input) {
    const PortRange shown = input.shown.value_or(registry.range);
    if (shown.first > shown.last) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("the range {}-{} to map is empty", shown.first, shown.last));
    }
    Registry sorted = registry;
    canonicalize(sorted);
    PortMap map;
    map.shown = shown;
    map.range = registry.range;
    map.pools = sorted.pools;
    map.allocations = overlapping(sorted.allocations, shown);
    map.released = overlapping(sorted.released, shown);
    for (auto& holder : input.holders) {
        if (shown.contains(holder.port)) {
            map.holders.push_back(std::move(holder));
        }
    }
    std::sort(map.holders.begin(), map.holders.end(), holder_order);
    for (auto& finding : input.findings) {
        if (finding.ports && finding.ports->overlaps(shown)) {
            map.findings.push_back(std::move(finding));
        }
    }
    sort_by_severity(map.findings);
    map.live_host = input.live_host;
    map.live_fleet = input.live_fleet;
    map.ports.resize(shown.size());
    for (std::uint32_t i = 0; i < shown.size(); ++i) {
        map.ports[i].port = static_cast<Port>(shown.first + i);
    }
    mark_registry(map);
    mark_reference_data(map);
    mark_live_and_findings(map);
    for (auto& d : map.ports) {
        d.state = state_of(map, d);
        ++map.counts[static_cast<std::size_t>(d.state)];
    }
    return map;
}

Expected<PortRange> pool_ports(const Registry& registry, std::string_view name) {
    auto pool = lookup_pool(registry, name, "the registry");
    if (!pool) {
        return std::unexpected(pool.error());
    }
    return pool->ports;
}

std::vector<PortHolder> holders_from_scan(const std::vector<Listener>& listeners) {
    std::vector<PortHolder> out;
    out.reserve(listeners.size());
    for (const auto& l : listeners) {
        out.push_back({"", l.port, l.protocol, l.address, l.pid, l.process});
    }
    return out;
}

std::vector<PortHolder> holders_from_reports(const std::vector<HostReportEntry>& entries) {
    std::vector<PortHolder> out;
    for (const auto& entry : entries) {
        auto report = parse_host_report(entry.value, entry.host);
        if (!report) {
            continue;
        }
        for (auto holder : holders_from_scan(report->scan.listeners)) {
            holder.host = report->host;
            out.push_back(std::move(holder));
        }
    }
    return out;
}

std::size_t count_ports(const PortMap& map, PortState state) {
    return map.counts.at(static_cast<std::size_t>(state));
}

std::vector<MapCell> map_cells(const PortMap& map, std::size_t max_cells) {
    const std::size_t n = map.ports.size();
    const std::size_t width =
        max_cells == 0 || n <= max_cells ? 1 : (n + max_cells - 1) / max_cells;
    std::vector<MapCell> cells;
    for (std::size_t start = 0; start < n; start += width) {
        const std::size_t end = std::min(n, start + width);
        MapCell cell{{map.ports[start].port, map.ports[end - 1].port},
                     map.ports[start].state,
                     map.ports[start].pool};
        for (std::size_t i = start + 1; i < end; ++i) {
            if (map.ports[i].state > cell.state) {
                cell.state = map.ports[i].state;
                cell.pool = map.ports[i].pool;
            }
        }
        cells.push_back(cell);
    }
    return cells;
}

}  // namespace harmony::network
