#include <harmony/network/policy.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

#include <fmt/format.h>

#include <harmony/network/known_ports.hpp>
#include <harmony/network/registry_file.hpp>

namespace harmony::network {
namespace {

PortRange overlap(PortRange a, PortRange b) {
    return PortRange{std::max(a.first, b.first), std::min(a.last, b.last)};
}

Finding make(Severity severity, std::string code, std::string message,
             std::optional<PortRange> ports = std::nullopt, std::string platform = {},
             std::string service = {}) {
    return Finding{severity, std::move(code),    std::move(message),
                   ports,    std::move(service), std::move(platform),
                   {}};
}

// Lists up to `limit` items, then "and N more".
template <typename T, typename Show>
std::string list_some(const std::vector<T>& items, Show show, std::size_t limit = 12) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
        out += (i ? ", " : "") + show(items[i]);
    }
    if (items.size() > limit) {
        out += fmt::format(" and {} more", items.size() - limit);
    }
    return out;
}

std::string transport_suffix(Transport t) {
    return t == Transport::any ? std::string{} : "/" + std::string(to_string(t));
}

// Advice for each ephemeral-range platform: what an operator changes so the range is safe.
std::string ephemeral_advice(std::string_view platform, PortRange range) {
    if (platform == "freebsd") {
        return fmt::format(
            "on FreeBSD hosts set net.inet.ip.portrange.first above {} (or accept "
            "that outgoing connections may briefly hold these ports)",
            range.last);
    }
    if (platform == "opnsense") {
        return fmt::format(
            "on OPNsense set the tunable net.inet.ip.portrange.first above {} "
            "(System > Settings > Tunables)",
            range.last);
    }
    if (platform == "windows") {
        return fmt::format(
            "on Windows run `netsh int ipv4 set dynamicport tcp start=49152 "
            "num=16384` and check `netsh int ipv4 show excludedportrange`");
    }
    if (platform == "macos") {
        return "on macOS raise net.inet.ip.portrange.first with sysctl";
    }
    return fmt::format(
        "set net.ipv4.ip_local_port_range to start above {} or reserve the range "
        "with net.ipv4.ip_local_reserved_ports = {}-{}",
        range.last, range.first, range.last);
}

void check_range(const Registry& r, const HostFacts& host, std::vector<Finding>& out) {
    const PortRange range = r.range;
    for (const auto& known : known_port_ranges()) {
        if (!known.ports.overlaps(range)) {
            continue;
        }
        PortRange shared = overlap(known.ports, range);
        std::string where =
            fmt::format("{} ({} of {} ports)", shared.to_string(), shared.size(), range.size());
        const auto& kind = known.kind;
        const std::string platform(known.platform);
        if (kind == "system") {
            out.push_back(make(Severity::error, "range-overlaps-system",
                               fmt::format("range {} overlaps the system ports 0-1023 at {}: "
                                           "services there need privileges and collide with "
                                           "well-known daemons; move the range above 1023",
                                           range.to_string(), where),
                               shared, platform));
        } else if (kind == "nodeport") {
            out.push_back(make(Severity::error, "range-overlaps-nodeport",
                               fmt::format("range {} overlaps the Kubernetes NodePort default "
                                           "30000-32767 at {}: kube-proxy may hand these ports "
                                           "to Services; move the range below 30000 or set "
                                           "--service-node-port-range elsewhere",
                                           range.to_string(), where),
                               shared, platform));
        } else if (kind == "ephemeral" && platform == "linux") {
            out.push_back(
                make(Severity::error, "range-overlaps-ephemeral",
                     fmt::format("range {} overlaps the Linux default ephemeral range "
                                 "32768-60999 at {}: outgoing connections take source "
                                 "ports there; {}",
                                 range.to_string(), where, ephemeral_advice("linux", range)),
                     shared, platform));
        } else if (kind == "ephemeral") {
            out.push_back(
                make(Severity::warning, "range-overlaps-ephemeral",
                     fmt::format("range {} lies inside the {} ephemeral range {} at {}: "
                                 "matters only for {} hosts; {}",
                                 range.to_string(), known.platform, known.ports.to_string(), where,
                                 known.platform, ephemeral_advice(known.platform, range)),
                     shared, platform));
        } else if (kind == "dynamic" && platform != "all") {
            out.push_back(
                make(Severity::warning, "range-overlaps-allocator",
                     fmt::format("range {} overlaps {}'s default range {} ({}) at {}: "
                                 "on clusters running {}, narrow its range to avoid "
                                 "{}-{}",
                                 range.to_string(), known.platform, known.ports.to_string(),
                                 known.what, where, known.platform, range.first, range.last),
                     shared, platform));
        } else if (kind == "dynamic") {
            out.push_back(make(Severity::warning, "range-overlaps-dynamic",
                               fmt::format("range {} overlaps the IANA dynamic/private band "
                                           "49152-65535 at {}, where Windows and macOS pick "
                                           "ephemeral ports; move the range below 49152",
                                           range.to_string(), where),
                               shared, platform));
        } else if (kind != "registered") {
            out.push_back(
                make(Severity::warning, "range-overlaps-known-range",
                     fmt::format("range {} overlaps {} {} ({}) at {}", range.to_string(),
                                 known.platform, known.ports.to_string(), known.what, where),
                     shared, platform));
        }
    }
    if (host.linux_ephemeral && host.linux_ephemeral->overlaps(range) &&
        *host.linux_ephemeral != PortRange{32768, 60999}) {
        PortRange shared = overlap(*host.linux_ephemeral, range);
        // Reserved ports are never handed out as source ports: the overlap is then harmless.
        const bool reserved = host.reserved && covers(*host.reserved, shared);
        out.push_back(
            make(reserved ? Severity::warning : Severity::error, "range-overlaps-ephemeral",
                 reserved ? fmt::format("range {} overlaps this host's ephemeral range {} "
                                        "(net.ipv4.ip_local_port_range) at {}, which "
                                        "net.ipv4.ip_local_reserved_ports covers; other hosts "
                                        "need the same reservation",
                                        range.to_string(), host.linux_ephemeral->to_string(),
                                        shared.to_string())
                          : fmt::format("range {} overlaps this host's ephemeral range {} "
                                        "(net.ipv4.ip_local_port_range) at {}: {}",
                                        range.to_string(), host.linux_ephemeral->to_string(),
                                        shared.to_string(), ephemeral_advice("linux", range)),
                 shared, "linux"));
    }

    auto iana = iana_assignments_in(range);
    if (!iana.empty()) {
        out.push_back(make(Severity::warning, "iana-registered",
                           fmt::format("{} IANA assignment(s) inside range {}: {}; allocate skips "
                                       "them unless --allow-registered",
                                       iana.size(), range.to_string(),
                                       list_some(iana,
                                                 [](const IanaAssignment& a) {
                                                     return fmt::format(
                                                         "{}{} {}", a.ports.to_string(),
                                                         transport_suffix(a.transport), a.service);
                                                 })),
                           range));
    }
    auto software = known_software_in(range);
    if (!software.empty()) {
        out.push_back(make(Severity::warning, "known-software",
                           fmt::format("{} default port(s) of known software inside range {}: {}; "
                                       "allocate skips them unless --allow-registered",
                                       software.size(), range.to_string(),
                                       list_some(software,
                                                 [](const KnownSoftwarePort& k) {
                                                     return fmt::format(
                                                         "{}{} {}", k.port,
                                                         transport_suffix(k.transport), k.software);
                                                 })),
                           range));
    }
}

void check_allocations(const Registry& r, std::vector<Finding>& out) {
    for (const auto& a : r.allocations) {
        for (const auto& iana : iana_assignments_in(a.ports)) {
            out.push_back(make(Severity::warning, "iana-registered",
                               fmt::format("{} {}/{} sits on IANA-registered {}{} {}: pick a free "
                                           "port with `harmony-ports release {} && "
                                           "harmony-ports allocate {}` if that service may run "
                                           "here",
                                           a.name, a.ports.to_string(), to_string(a.protocols),
                                           iana.ports.to_string(), transport_suffix(iana.transport),
                                           iana.service, a.name, a.name),
                               overlap(iana.ports, a.ports), "", a.name));
        }
        for (const auto& known : known_software_in(a.ports)) {
            out.push_back(
                make(Severity::warning, "known-software",
                     fmt::format("{} {}/{} sits on {}{}, the default port of {} ({})", a.name,
                                 a.ports.to_string(), to_string(a.protocols), known.port,
                                 transport_suffix(known.transport), known.software, known.source),
                     PortRange{known.port, known.port}, "", a.name));
        }
    }
}

}  // namespace

std::string_view to_string(Severity s) noexcept {
    switch (s) {
        case Severity::info:
            return "info";
        case Severity::warning:
            return "warning";
        case Severity::error:
            return "error";
    }
    return "info";
}

HostFacts read_host_facts() {
    HostFacts facts;
    if (auto text = read_file("/proc/sys/net/ipv4/ip_local_port_range")) {
        unsigned first = 0, last = 0;
        if (std::sscanf(text->c_str(), "%u %u", &first, &last) == 2 && first <= last &&
            last <= 65535) {
            facts.linux_ephemeral = PortRange{static_cast<Port>(first), static_cast<Port>(last)};
        }
    }
    if (auto text = read_file("/proc/sys/net/ipv4/ip_local_reserved_ports")) {
        if (auto list = parse_port_list(*text)) {
            facts.reserved = std::move(*list);
        }
    }
    return facts;
}

Expected<std::vector<PortRange>> parse_port_list(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    std::vector<PortRange> out;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        auto item = PortRange::parse(text.substr(0, comma));
        if (!item) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("port list: {}", item.error().message));
        }
        out.push_back(*item);
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
        if (text.empty()) {
            return fail(ErrorCode::invalid_argument, "port list: ends with ','");
        }
    }
    return out;
}

bool covers(const std::vector<PortRange>& list, const PortRange& range) {
    // Walk the range forward, each step jumping past a list item that holds the next port.
    std::uint32_t next = range.first;
    bool moved = true;
    while (next <= range.last && moved) {
        moved = false;
        for (const auto& item : list) {
            if (item.contains(static_cast<Port>(next))) {
                next = std::uint32_t{item.last} + 1;
                moved = true;
            }
        }
    }
    return next > range.last;
}

std::vector<Finding> check_policy(const Registry& registry, const HostFacts& host) {
    std::vector<Finding> out;
    check_range(registry, host, out);
    check_allocations(registry, out);
    sort_by_severity(out);
    return out;
}

void sort_by_severity(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return static_cast<int>(a.severity) > static_cast<int>(b.severity);
    });
}

int count_findings(const std::vector<Finding>& findings, Severity severity) {
    return static_cast<int>(std::count_if(findings.begin(), findings.end(), [&](const Finding& f) {
        return f.severity == severity;
    }));
}

}  // namespace harmony::network
