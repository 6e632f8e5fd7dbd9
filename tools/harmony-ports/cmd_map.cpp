// `map`: the range at a glance, in the terminal, as JSON or as one HTML page; with --host and
// --fleet, what holds each port now.
#include <algorithm>
#include <memory>
#include <optional>

#include <harmony/network/check.hpp>
#include <harmony/network/host_check.hpp>
#include <harmony/network/port_map.hpp>

#include "checked_store.hpp"
#include "commands.hpp"
#include "live.hpp"
#include "output.hpp"

namespace harmony::cli {
namespace {

struct MapCommand {
    bool json = false, host = false, fleet = false;
    HostOptions live;
    std::string pool, range, html;
    int columns = 50;
};

// The ports to map: the pool's, the given range, or (unset) the registry's range.
Expected<std::optional<PortRange>> shown_ports(const MapCommand& o, const Registry& registry) {
    if (!o.pool.empty()) {
        auto ports = pool_ports(registry, o.pool);
        if (!ports) {
            return std::unexpected(ports.error());
        }
        return *ports;
    }
    if (!o.range.empty()) {
        auto ports = PortRange::parse(o.range);
        if (!ports) {
            return std::unexpected(ports.error());
        }
        return *ports;
    }
    return std::nullopt;
}

// This host's sockets on the registry's range and `shown`: check_host's findings and holders.
Expected<void> add_this_host(const MapCommand& o, const Registry& registry, PortRange shown,
                             PortMapInput& input) {
    const PortRange scanned{std::min(shown.first, registry.range.first),
                            std::max(shown.last, registry.range.last)};
    auto view = look_at_host(registry, o.live, scanned);
    if (!view) {
        return std::unexpected(view.error());
    }
    auto findings = check_host(registry, view->rows, view->scan, view->facts);
    input.findings.insert(input.findings.end(), findings.begin(), findings.end());
    auto holders = holders_from_scan(view->scan.listeners);
    input.holders.insert(input.holders.end(), holders.begin(), holders.end());
    input.live_host = true;
    return {};
}

// Every fleet host's latest report: its findings and holders.
Expected<void> add_fleet(FleetRegistryStore& fleet, const Registry& registry, PortMapInput& input) {
    auto entries = fleet.host_reports();
    if (!entries) {
        return std::unexpected(entries.error());
    }
    auto findings = fleet_findings(*entries, registry, nullptr);
    input.findings.insert(input.findings.end(), findings.begin(), findings.end());
    auto holders = holders_from_reports(*entries);
    input.holders.insert(input.holders.end(), holders.begin(), holders.end());
    input.live_fleet = true;
    return {};
}

// Reads the store, looks at the host and fleet as asked, and builds the map.
Expected<PortMap> make_map(const MapCommand& o, ChosenStore& store) {
    auto source = parse_scan_source(o.live.source);
    if (!source) {
        return std::unexpected(source.error());
    }
    auto checked = check_store(store.get(), CheckOptions{false, *source});
    if (!checked) {
        return std::unexpected(checked.error());
    }
    const Registry& registry = checked->registry;
    auto shown = shown_ports(o, registry);
    if (!shown) {
        return std::unexpected(shown.error());
    }
    PortMapInput input{*shown, std::move(checked->findings), {}, false, false};
    if (o.host) {
        auto added = add_this_host(o, registry, shown->value_or(registry.range), input);
        if (!added) {
            return std::unexpected(added.error());
        }
    }
    if (store.fleet != nullptr) {
        auto added = add_fleet(*store.fleet, registry, input);
        if (!added) {
            return std::unexpected(added.error());
        }
    }
    return build_port_map(registry, std::move(input));
}

}  // namespace

std::function<int()> setup_map(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<MapCommand>();
    auto* pool = app.add_option("--pool", o->pool, "map only this pool's ports")->type_name("POOL");
    app.add_option("--range", o->range,
                   "map these ports instead of the registry's range (e.g. 1-65535)")
        ->type_name("A-B")
        ->excludes(pool);
    auto* host = app.add_flag("--host", o->host, "also show what holds each port on this host");
    add_host_options(app, o->live);
    app.get_option("--netns")->needs(host);
    app.get_option("--source")->needs(host);
    app.add_flag("--fleet", o->fleet,
                 "read the fleet store, and show what holds each port on every host that reports");
    auto* json = app.add_flag("--json", o->json, "print the map as one JSON document");
    app.add_option("--html", o->html,
                   "write the map as one self-contained HTML page to FILE ('-': standard output)")
        ->type_name("FILE")
        ->excludes(json);
    app.add_option("--columns", o->columns,
                   "cells per row of the terminal map, 10-400 (default 50)")
        ->type_name("N")
        ->check(CLI::Range(10, 400));
    return [o, &global] {
        auto store = open_chosen_store(global, o->fleet, o->live);
        if (!store) {
            return report(store.error());
        }
        auto map = make_map(*o, *store);
        if (!map) {
            return report(map.error());
        }
        Expected<void> written;
        if (!o->html.empty()) {
            written = emit(render_map_html(*map, store->get().label()), o->html,
                           store_files(global, store->get()));
        } else if (o->json) {
            write_out(port_map_json(*map) + "\n");
        } else {
            write_out(render_map_text(*map, MapTextOptions{color_enabled(), o->columns, 20}));
        }
        return written ? 0 : report(written.error());
    };
}

}  // namespace harmony::cli
