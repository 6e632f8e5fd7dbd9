#include "live.hpp"

#include <algorithm>
#include <memory>

#include "util/bits65536.hpp"

namespace harmony::cli {

void add_host_options(CLI::App& app, HostOptions& options) {
    app.add_option("--netns", options.netns,
                   "look inside this named network namespace (/run/netns/NAME; needs root)");
    app.add_option("--source", options.source,
                   "where sockets are read: auto (netlink, else /proc/net), netlink or proc");
}

Expected<std::optional<NetworkNamespace>> enter_netns(const HostOptions& options) {
    if (options.netns.empty()) {
        return std::optional<NetworkNamespace>{};
    }
    auto entered = NetworkNamespace::enter(options.netns);
    if (!entered) {
        return std::unexpected(entered.error());
    }
    return std::optional<NetworkNamespace>(std::move(*entered));
}

Expected<LiveView> look_at_host(const Registry& registry, const HostOptions& options,
                                std::optional<PortRange> ports) {
    auto source = parse_scan_source(options.source);
    if (!source) {
        return std::unexpected(source.error());
    }
    // /proc/sys/net is per namespace too: these are the facts of the namespace we are in.
    LiveView view;
    view.facts = read_host_facts();
    auto scan = scan_host(ScanOptions{ports, OwnerSearch::first, *source, false});
    if (!scan) {
        return std::unexpected(scan.error());
    }
    view.scan = std::move(*scan);
    view.rows = scan_rows(registry, view.scan.listeners, ports);
    // A socket inherited by children (a pre-fork master, socket activation) has several
    // holders: before calling one the wrong process, look for all of them.
    const bool suspicious = std::any_of(view.rows.begin(), view.rows.end(), [](const ScanRow& r) {
        return r.verdict == Verdict::wrong_process;
    });
    if (suspicious) {
        auto full = scan_host(ScanOptions{ports, OwnerSearch::all, *source, false});
        if (!full) {
            return std::unexpected(full.error());
        }
        view.scan = std::move(*full);
        view.rows = scan_rows(registry, view.scan.listeners, ports);
    }
    return view;
}

Expected<void> add_host_findings(const Registry& registry, const HostOptions& options,
                                 std::vector<Finding>& findings) {
    auto view = look_at_host(registry, options, registry.range);
    if (!view) {
        return std::unexpected(view.error());
    }
    auto live = check_host(registry, view->rows, view->scan, view->facts);
    findings.insert(findings.end(), live.begin(), live.end());
    sort_by_severity(findings);
    return {};
}

Expected<PortProbe> probe_for(const PortRange& range) {
    // Every socket that would make bind() fail counts, not only listeners.
    auto scan = scan_host(ScanOptions{range, OwnerSearch::none, ScanSource::automatic, true});
    if (!scan) {
        return std::unexpected(scan.error());
    }
    auto held = std::make_shared<std::pair<util::Bits65536, util::Bits65536>>();
    for (const auto& l : scan->listeners) {
        util::set_bit(l.protocol == Protocols::tcp ? held->first : held->second, l.port);
    }
    return PortProbe([held](Port port, Protocols protocols) {
        return (has_tcp(protocols) && util::test_bit(held->first, port)) ||
               (has_udp(protocols) && util::test_bit(held->second, port));
    });
}

}  // namespace harmony::cli
