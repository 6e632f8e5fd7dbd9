// A host's report, as a fleet agent publishes it: what holds ports of the range on that host
// and its kernel port settings, stamped with when and how often it is published.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <harmony/network/error.hpp>
#include <harmony/network/host_facts.hpp>
#include <harmony/network/host_scan.hpp>
#include <harmony/network/port_range.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

// The schema of the report's JSON document ("schema": 1).
inline constexpr int k_host_report_schema = 1;
// Largest report parse_host_report reads: 1 MiB, NATS's default largest message.
inline constexpr std::size_t k_max_host_report_bytes = std::size_t{1024} * 1024;
// Longest and shortest interval an agent may publish at.
inline constexpr std::chrono::seconds k_min_report_interval{1};
inline constexpr std::chrono::seconds k_max_report_interval{86400};

struct HostReport {
    std::string host;                   // validate_host_name
    TimePoint published_at{};           // the agent's clock when it scanned
    std::chrono::seconds interval{30};  // how often the agent publishes
    PortRange range = k_adr014_range;   // the ports scanned (the registry's range)
    HostFacts facts;                    // ip_local_port_range, ip_local_reserved_ports
    ScanResult scan;                    // sockets on `range` with every holder
    // When the store received it (not part of the document; set by whoever read it from a
    // store, so staleness is judged by one clock). Unset: published_at is used.
    std::optional<TimePoint> received{};
};

// What make_host_report needs besides the host itself.
struct HostReportOptions {
    std::string host;
    std::chrono::seconds interval{30};
    PortRange range = k_adr014_range;
    ScanSource source = ScanSource::automatic;
    TimePoint now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
};

// Checks a host name for a report's key: 1-253 characters of A-Z a-z 0-9 . _ -, not starting
// with '.' (NATS key tokens), no ".." and no trailing '.'. Error: invalid_argument naming it.
Expected<void> validate_host_name(std::string_view host);

// The report of the host the calling thread sees: `scanner`'s sockets on options.range with
// every holder (OwnerSearch::all, so a socket shared by a pre-fork master is judged right),
// and `facts` (read_host_facts() of the same network namespace). Errors: invalid_argument
// (bad host name, interval outside 1-86400 s), the scanner's.
Expected<HostReport> make_host_report(const HostReportOptions& options, const HostScanner& scanner,
                                      const HostFacts& facts);

// The report as one canonical JSON document (fixed key order, no insignificant whitespace):
// {"schema":1,"host","published_at":RFC 3339,"interval":S,"range":{"first","last"},
//  "source","ip_local_port_range":{"first","last"}|null,"ip_local_reserved_ports":
//  [{"first","last"}]|null,"owners_unknown":N,"owners_other_users":N,"sockets":[{"port",
//  "protocol","address","inode","uid","pid","process","sharers":[{"pid","process"}]}]}.
std::string render_host_report(const HostReport& report);

// Reads a report stored under `host`'s key. Strict: every key required, no other key, the
// document's host must be `host`, values in range (ports 1-65535, interval 1-86400 s, texts
// bounded). Errors: parse_error "host NAME: what" (malformed JSON, larger than
// k_max_host_report_bytes, too deep, out of range, wrong shape); invalid_argument when `host`
// is not a valid host name. Never throws.
Expected<HostReport> parse_host_report(std::string_view json, std::string_view host);

}  // namespace harmony::network
