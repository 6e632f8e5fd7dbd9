// `check --fleet`: each host's report through the one host judgment (host/host_judge.hpp),
// plus staleness, clocks and the topology's view of which host runs what.
#include <harmony/network/fleet_check.hpp>

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include <harmony/network/host_check.hpp>

#include "host/host_judge.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

using std::chrono::seconds;

// "host NAME" for messages (a topology's host names are free text).
std::string host_text(std::string_view host) {
    return "host " + util::printable_text(host, 253);
}

Finding host_finding(Severity severity, std::string code, std::string message,
                     std::string_view host) {
    Finding f(severity, std::move(code), std::move(message));
    f.host = std::string(host);
    return f;
}

// Which cluster lists each host (the first one, when several do).
std::unordered_map<std::string_view, const Cluster*> clusters_by_host(const Topology& topology) {
    std::unordered_map<std::string_view, const Cluster*> out;
    for (const auto& cluster : topology.clusters) {
        for (const auto& host : cluster.hosts) {
            out.try_emplace(host, &cluster);
        }
    }
    return out;
}

// host-clock-skew when the report's stamp lies ahead of the store's receipt (or, when no store
// said, of `now`), or behind the store's receipt, by more than the tolerance.
std::optional<Finding> clock_skew(const HostReport& report, TimePoint now) {
    const TimePoint reference = report.received.value_or(now);
    const seconds ahead = report.published_at - reference;
    if (ahead <= k_report_clock_tolerance &&
        (!report.received || -ahead <= k_report_clock_tolerance)) {
        return std::nullopt;
    }
    return host_finding(
        Severity::warning, "host-clock-skew",
        fmt::format("{}: its report is stamped {}, {} s {} {}: check the host's clock "
                    "(NTP)",
                    host_text(report.host), format_time(report.published_at),
                    ahead.count() < 0 ? -ahead.count() : ahead.count(),
                    ahead.count() < 0 ? "before" : "after",
                    report.received ? "the store received it" : "this clock"),
        report.host);
}

std::optional<Finding> staleness(const HostReport& report, TimePoint now) {
    const TimePoint seen = report.received.value_or(report.published_at);
    if (now - seen <= 3 * report.interval) {
        return std::nullopt;
    }
    return host_finding(
        Severity::warning, "host-stale",
        fmt::format("{}: its last report is from {}, {} s ago, more than three times its "
                    "{} s interval: is its agent running? (the sockets it reported are not "
                    "judged)",
                    host_text(report.host), format_time(seen), (now - seen).count(),
                    report.interval.count()),
        report.host);
}

// The report's sockets minus those on ports its cluster declares as its own.
ScanResult sockets_for(const HostReport& report, const Cluster* cluster) {
    ScanResult scan = report.scan;
    if (cluster != nullptr) {
        std::erase_if(scan.listeners, [&](const Listener& l) {
            return std::any_of(cluster->ports.begin(), cluster->ports.end(), [&](const auto& p) {
                return p.ports.contains(l.port) && shares_protocol(p.protocols, l.protocol);
            });
        });
    }
    return scan;
}

// A service the host's cluster does not run is not expected to listen there.
bool expected_elsewhere(const Finding& f, const Cluster* cluster) {
    return cluster != nullptr && f.code == "not-listening" &&
           std::none_of(cluster->services.begin(), cluster->services.end(),
                        [&](const ClusterService& s) { return s.name == f.service; });
}

std::vector<Finding> judge_report(const Registry& registry, const HostReport& report, TimePoint now,
                                  const Cluster* cluster) {
    std::vector<Finding> out;
    if (auto skew = clock_skew(report, now)) {
        out.push_back(std::move(*skew));
    }
    if (auto stale = staleness(report, now)) {
        out.push_back(std::move(*stale));
        return out;
    }
    const ScanResult scan = sockets_for(report, cluster);
    const auto rows = scan_rows(registry, scan.listeners, report.range);
    auto judged = detail::judge_host(registry, rows, scan, report.facts, report.host);
    std::erase_if(judged, [&](const Finding& f) { return expected_elsewhere(f, cluster); });
    out.insert(out.end(), judged.begin(), judged.end());
    return out;
}

void add_missing(const Topology& topology, const std::vector<HostReport>& reports,
                 std::vector<Finding>& out) {
    std::unordered_set<std::string_view> seen;
    for (const auto& r : reports) {
        seen.insert(r.host);
    }
    for (const auto& cluster : topology.clusters) {
        for (const auto& host : cluster.hosts) {
            if (!seen.insert(host).second) {
                continue;
            }
            Finding f =
                host_finding(Severity::warning, "host-missing",
                             fmt::format("{} (cluster {}) has no report in the "
                                         "store: is its agent running?",
                                         host_text(host), util::printable_text(cluster.name)),
                             host);
            f.cluster = cluster.name;
            out.push_back(std::move(f));
        }
    }
}

}  // namespace

std::vector<Finding> check_fleet(const Registry& registry, const std::vector<HostReport>& reports,
                                 TimePoint now, const Topology* topology) {
    const auto by_host = topology != nullptr
                             ? clusters_by_host(*topology)
                             : std::unordered_map<std::string_view, const Cluster*>{};
    std::vector<Finding> out;
    for (const auto& report : reports) {
        auto it = by_host.find(report.host);
        const Cluster* cluster = it == by_host.end() ? nullptr : it->second;
        auto found = judge_report(registry, report, now, cluster);
        if (topology != nullptr && cluster == nullptr) {
            found.push_back(host_finding(Severity::info, "host-not-in-topology",
                                         fmt::format("{} reports but no cluster of the "
                                                     "topology lists it",
                                                     host_text(report.host)),
                                         report.host));
        }
        for (auto& f : found) {
            f.cluster = cluster != nullptr ? cluster->name : std::string{};
        }
        out.insert(out.end(), found.begin(), found.end());
    }
    if (topology != nullptr) {
        add_missing(*topology, reports, out);
    }
    sort_by_severity(out);
    return out;
}

std::vector<Finding> check_fleet_entries(const Registry& registry,
                                         const std::vector<HostReportEntry>& entries, TimePoint now,
                                         const Topology* topology) {
    std::vector<HostReport> reports;
    std::vector<Finding> invalid;
    for (const auto& entry : entries) {
        auto report = parse_host_report(entry.value, entry.host);
        if (!report) {
            invalid.push_back(host_finding(Severity::warning, "host-report-invalid",
                                           report.error().message, entry.host));
            continue;
        }
        if (entry.written != TimePoint{}) {
            report->received = entry.written;
        }
        reports.push_back(std::move(*report));
    }
    auto out = check_fleet(registry, reports, now, topology);
    out.insert(out.end(), invalid.begin(), invalid.end());
    sort_by_severity(out);
    return out;
}

}  // namespace harmony::network
