#include <harmony/network/policy.hpp>

#include <algorithm>

#include <fmt/format.h>

#include <harmony/network/known_ports.hpp>

namespace harmony::network {
namespace {

PortRange overlap(PortRange a, PortRange b) {
    return PortRange{std::max(a.first, b.first), std::min(a.last, b.last)};
}

// A finding about the ports `shared` on `platform` (empty: none).
Finding on_ports(Severity severity, std::string code, std::string message, PortRange shared,
                 std::string platform) {
    Finding f(severity, std::move(code), std::move(message));
    f.ports = shared;
    f.platform = std::move(platform);
    return f;
}

// Lists up to `limit` items, then "and N more".
template <typename T, typename Show>
std::string list_some(const std::vector<T>& items, Show show, std::size_t limit = 12) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
        if (i > 0) {
            out += ", ";
        }
        out += show(items[i]);
    }
    if (items.size() > limit) {
        out += fmt::format(" and {} more", items.size() - limit);
    }
    return out;
}

std::string transport_suffix(Transport t) {
    return t == Transport::any ? std::string{} : fmt::format("/{}", to_string(t));
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
        return "on Windows run `netsh int ipv4 set dynamicport tcp start=49152 num=16384` and "
               "check `netsh int ipv4 show excludedportrange`";
    }
    if (platform == "macos") {
        return "on macOS raise net.inet.ip.portrange.first with sysctl";
    }
    return fmt::format(
        "set net.ipv4.ip_local_port_range to start above {} or reserve the range "
        "with net.ipv4.ip_local_reserved_ports = {}-{}",
        range.last, range.first, range.last);
}

// The finding for one known range that overlaps the orchestrator range, if any.
std::optional<Finding> known_range_finding(PortRange range, const KnownPortRange& known) {
    const PortRange shared = overlap(known.ports, range);
    const std::string where =
        fmt::format("{} ({} of {} ports)", shared.to_string(), shared.size(), range.size());
    const std::string_view kind = known.kind;
    const std::string platform(known.platform);
    const std::string r = range.to_string();
    if (kind == "system") {
        return on_ports(Severity::error, "range-overlaps-system",
                        fmt::format("range {} overlaps the system ports 0-1023 at {}: services "
                                    "there need privileges and collide with well-known daemons; "
                                    "move the range above 1023",
                                    r, where),
                        shared, platform);
    }
    if (kind == "nodeport") {
        // --service-node-port-range is Kubernetes' own setting, not a flag of ours.
        return on_ports(Severity::error, "range-overlaps-nodeport",
                        fmt::format("range {} overlaps the Kubernetes NodePort default "
                                    "30000-32767 at {}: kube-proxy may hand these ports to "
                                    "Services; move the range below 30000 or set "
                                    "--service-node-port-range elsewhere",
                                    r, where),
                        shared, platform);
    }
    if (kind == "ephemeral" && platform == "linux") {
        return on_ports(Severity::error, "range-overlaps-ephemeral",
                        fmt::format("range {} overlaps the Linux default ephemeral range "
                                    "32768-60999 at {}: outgoing connections take source ports "
                                    "there; {}",
                                    r, where, ephemeral_advice("linux", range)),
                        shared, platform);
    }
    if (kind == "ephemeral") {
        return on_ports(Severity::warning, "range-overlaps-ephemeral",
                        fmt::format("range {} lies inside the {} ephemeral range {} at {}: "
                                    "matters only for {} hosts; {}",
                                    r, platform, known.ports.to_string(), where, platform,
                                    ephemeral_advice(platform, range)),
                        shared, platform);
    }
    if (kind == "dynamic" && platform != "all") {
        return on_ports(Severity::warning, "range-overlaps-allocator",
                        fmt::format("range {} overlaps {}'s default range {} ({}) at {}: on "
                                    "clusters running {}, narrow its range to avoid {}-{}",
                                    r, platform, known.ports.to_string(), known.what, where,
                                    platform, range.first, range.last),
                        shared, platform);
    }
    if (kind == "dynamic") {
        return on_ports(Severity::warning, "range-overlaps-dynamic",
                        fmt::format("range {} overlaps the IANA dynamic/private band "
                                    "49152-65535 at {}, where Windows and macOS pick ephemeral "
                                    "ports; move the range below 49152",
                                    r, where),
                        shared, platform);
    }
    if (kind != "registered") {
        return on_ports(Severity::warning, "range-overlaps-known-range",
                        fmt::format("range {} overlaps {} {} ({}) at {}", r, platform,
                                    known.ports.to_string(), known.what, where),
                        shared, platform);
    }
    return std::nullopt;
}

// This host's own ephemeral range, when it differs from the Linux default and overlaps.
void host_ephemeral_finding(PortRange range, const HostFacts& host, std::vector<Finding>& out) {
    if (!host.linux_ephemeral || !host.linux_ephemeral->overlaps(range) ||
        *host.linux_ephemeral == PortRange{32768, 60999}) {
        return;
    }
    const PortRange shared = overlap(*host.linux_ephemeral, range);
    const std::string lead = fmt::format(
        "range {} overlaps this host's ephemeral range {} (net.ipv4.ip_local_port_range) at {}",
        range.to_string(), host.linux_ephemeral->to_string(), shared.to_string());
    // Reserved ports are never handed out as source ports: the overlap is then harmless.
    if (host.reserved && covers(*host.reserved, shared)) {
        out.push_back(on_ports(Severity::warning, "range-overlaps-ephemeral",
                               fmt::format("{}, which net.ipv4.ip_local_reserved_ports covers; "
                                           "other hosts need the same reservation",
                                           lead),
                               shared, "linux"));
        return;
    }
    out.push_back(on_ports(Severity::error, "range-overlaps-ephemeral",
                           fmt::format("{}: {}", lead, ephemeral_advice("linux", range)), shared,
                           "linux"));
}

// IANA assignments and known software defaults inside the range: allocate skips them.
void registered_findings(PortRange range, std::vector<Finding>& out) {
    const Hint allow{HintKind::allow_registered, {}};
    auto iana = iana_assignments_in(range);
    if (!iana.empty()) {
        const std::string listed = list_some(iana, [](const IanaAssignment& a) {
            return fmt::format("{}{} {}", a.ports.to_string(), transport_suffix(a.transport),
                               a.service);
        });
        Finding f = on_ports(Severity::warning, "iana-registered",
                             fmt::format("{} IANA assignment(s) inside range {}: {}; allocate "
                                         "skips them unless registered ports are allowed",
                                         iana.size(), range.to_string(), listed),
                             range, "");
        f.hint = allow;
        out.push_back(std::move(f));
    }
    auto software = known_software_in(range);
    if (!software.empty()) {
        const std::string listed = list_some(software, [](const KnownSoftwarePort& k) {
            return fmt::format("{}{} {}", k.port, transport_suffix(k.transport), k.software);
        });
        Finding f = on_ports(Severity::warning, "known-software",
                             fmt::format("{} default port(s) of known software inside range {}: "
                                         "{}; allocate skips them unless registered ports are "
                                         "allowed",
                                         software.size(), range.to_string(), listed),
                             range, "");
        f.hint = allow;
        out.push_back(std::move(f));
    }
}

void check_range(const Registry& r, const HostFacts& host, std::vector<Finding>& out) {
    for (const auto& known : known_port_ranges()) {
        if (!known.ports.overlaps(r.range)) {
            continue;
        }
        if (auto f = known_range_finding(r.range, known)) {
            out.push_back(std::move(*f));
        }
    }
    host_ephemeral_finding(r.range, host, out);
    registered_findings(r.range, out);
}

void check_allocations(const Registry& r, std::vector<Finding>& out) {
    for (const auto& a : r.allocations) {
        for (const auto& iana : iana_assignments_in(a.ports)) {
            Finding f(Severity::warning, "iana-registered",
                      fmt::format("{} {}/{} sits on IANA-registered {}{} {}: move it to a free "
                                  "port if that service may run here",
                                  a.name, a.ports.to_string(), to_string(a.protocols),
                                  iana.ports.to_string(), transport_suffix(iana.transport),
                                  iana.service));
            f.ports = overlap(iana.ports, a.ports);
            f.service = a.name;
            f.hint = Hint{HintKind::reallocate, a.name};
            out.push_back(std::move(f));
        }
        for (const auto& known : known_software_in(a.ports)) {
            Finding f(Severity::warning, "known-software",
                      fmt::format("{} {}/{} sits on {}{}, the default port of {} ({})", a.name,
                                  a.ports.to_string(), to_string(a.protocols), known.port,
                                  transport_suffix(known.transport), known.software, known.source));
            f.ports = PortRange{known.port, known.port};
            f.service = a.name;
            out.push_back(std::move(f));
        }
    }
}

}  // namespace

std::vector<Finding> check_policy(const Registry& registry, const HostFacts& host) {
    std::vector<Finding> out;
    check_range(registry, host, out);
    check_allocations(registry, out);
    sort_by_severity(out);
    return out;
}

}  // namespace harmony::network
