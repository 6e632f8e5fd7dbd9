// Making and rendering a host's report (reading it back: host_report_reader.cpp).
#include <harmony/network/host_report.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/printable.hpp"

namespace harmony::network {
namespace {

using nlohmann::ordered_json;

bool host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

Expected<void> bad_host(std::string_view host, std::string_view why) {
    return fail(ErrorCode::invalid_argument,
                fmt::format("invalid host name '{}': {}", util::printable_text(host, 64), why));
}

ordered_json range_json(const PortRange& r) {
    return {{"first", r.first}, {"last", r.last}};
}

ordered_json socket_json(const Listener& l) {
    ordered_json sharers = ordered_json::array();
    for (const auto& o : l.sharers) {
        sharers.push_back({{"pid", o.pid}, {"process", o.process}});
    }
    return {{"port", l.port},       {"protocol", to_string(l.protocol)},
            {"address", l.address}, {"inode", l.inode},
            {"uid", l.uid},         {"pid", l.pid},
            {"process", l.process}, {"sharers", std::move(sharers)}};
}

}  // namespace

Expected<void> validate_host_name(std::string_view host) {
    if (host.empty() || host.size() > 253) {
        return bad_host(host, "expected 1-253 characters");
    }
    for (char c : host) {
        if (!host_char(c)) {
            return bad_host(host, "expected only A-Z a-z 0-9 . _ -");
        }
    }
    if (host.front() == '.' || host.back() == '.' || host.find("..") != std::string_view::npos) {
        return bad_host(host, "a '.' may not start or end it, nor follow another");
    }
    return {};
}

Expected<HostReport> make_host_report(const HostReportOptions& options, const HostScanner& scanner,
                                      const HostFacts& facts) {
    if (auto ok = validate_host_name(options.host); !ok) {
        return std::unexpected(ok.error());
    }
    if (options.interval < k_min_report_interval || options.interval > k_max_report_interval) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid report interval {} s: expected 1-86400",
                                options.interval.count()));
    }
    auto scan = scanner.scan(ScanOptions{options.range, OwnerSearch::all, options.source, false});
    if (!scan) {
        return std::unexpected(scan.error());
    }
    return HostReport{options.host, options.now,      options.interval, options.range,
                      facts,        std::move(*scan), std::nullopt};
}

std::string render_host_report(const HostReport& report) {
    ordered_json j;
    j["schema"] = k_host_report_schema;
    j["host"] = report.host;
    j["published_at"] = format_time(report.published_at);
    j["interval"] = report.interval.count();
    j["range"] = range_json(report.range);
    j["source"] = to_string(report.scan.source);
    j["ip_local_port_range"] =
        report.facts.linux_ephemeral ? range_json(*report.facts.linux_ephemeral) : nullptr;
    if (report.facts.reserved) {
        j["ip_local_reserved_ports"] = ordered_json::array();
        for (const auto& r : *report.facts.reserved) {
            j["ip_local_reserved_ports"].push_back(range_json(r));
        }
    } else {
        j["ip_local_reserved_ports"] = nullptr;
    }
    j["owners_unknown"] = report.scan.owners_unknown;
    j["owners_other_users"] = report.scan.owners_other_users;
    j["sockets"] = ordered_json::array();
    for (const auto& l : report.scan.listeners) {
        j["sockets"].push_back(socket_json(l));
    }
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace harmony::network
