#include "live.hpp"

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
    auto view = view_host(registry, SystemHostScanner{}, ports, *source);
    if (!view) {
        return std::unexpected(view.error());
    }
    return LiveView{std::move(view->scan), std::move(view->rows), read_host_facts()};
}

nlohmann::ordered_json scan_row_json(const ScanRow& row) {
    using nlohmann::ordered_json;
    auto text_or_null = [](const std::string& s) {
        return s.empty() ? ordered_json(nullptr) : ordered_json(s);
    };
    ordered_json r;
    r["first"] = row.ports.first;
    r["last"] = row.ports.last;
    r["protocol"] = to_string(row.protocol);
    r["address"] = text_or_null(row.address);
    r["pid"] = row.pid == 0 ? ordered_json(nullptr) : ordered_json(row.pid);
    r["process"] = text_or_null(row.process);
    r["service"] = text_or_null(row.service);
    r["expected_process"] = text_or_null(row.expected_process);
    r["verdict"] =
        row.verdict == Verdict::none ? ordered_json(nullptr) : ordered_json(to_string(row.verdict));
    return r;
}

Expected<void> add_host_findings(const Registry& registry, const HostOptions& options,
                                 std::vector<Finding>& findings) {
    auto source = parse_scan_source(options.source);
    if (!source) {
        return std::unexpected(source.error());
    }
    // /proc/sys/net is per namespace too: these are the facts of the namespace we are in.
    auto live = check_this_host(registry, *source, read_host_facts());
    if (!live) {
        return std::unexpected(live.error());
    }
    findings.insert(findings.end(), live->begin(), live->end());
    sort_by_severity(findings);
    return {};
}

Expected<PortProbe> probe_for(const PortRange& range) {
    return probe_host(SystemHostScanner{}, range);
}

}  // namespace harmony::cli
