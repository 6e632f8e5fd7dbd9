#include <harmony/network/host_check.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>

#include <fmt/format.h>

#include "core/port_index.hpp"
#include "host/host_judge.hpp"
#include "util/bits65536.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

// ok when no process is expected or some holder of the socket is the expected one.
Verdict process_verdict(const std::string& expected, const Listener& l) {
    if (expected.empty() || l.process == expected) {
        return Verdict::ok;
    }
    if (l.pid == 0) {
        return Verdict::unverified;
    }
    const bool shared = std::any_of(l.sharers.begin(), l.sharers.end(),
                                    [&](const Owner& o) { return o.process == expected; });
    return shared ? Verdict::ok : Verdict::wrong_process;
}

std::string port_text(const ScanRow& row) {
    return fmt::format("{}/{}", row.ports.to_string(), to_string(row.protocol));
}

std::string holder_text(const ScanRow& row) {
    if (row.pid == 0) {
        return fmt::format("an unknown process on {}", row.address);
    }
    return fmt::format("{} (pid {}) on {}", util::printable_text(row.process), row.pid,
                       row.address);
}

// A finding about a scanned row's ports and service.
Finding finding(Severity severity, std::string code, std::string message, const ScanRow& row) {
    Finding f(severity, std::move(code), std::move(message));
    f.ports = row.ports;
    f.service = row.service;
    return f;
}

// "(released by old-name, quarantined until ...)" when a released entry covers the port.
std::string quarantine_hint(const Registry& registry, const ScanRow& row) {
    for (const auto& r : registry.released) {
        if (r.ports.contains(row.ports.first) && shares_protocol(r.protocols, row.protocol)) {
            return fmt::format(" (released by {}, quarantined until {}: is it still running?)",
                               r.name, format_time(r.until));
        }
    }
    return {};
}

// How messages name the host they judge: this host, or a fleet host by name.
struct HostWords {
    std::string prefix;      // "" or "host NAME: "
    std::string here;        // "on this host" or "there"
    std::string possessive;  // "this host's" or "its"
};

HostWords host_words(std::string_view host) {
    if (host.empty()) {
        return {"", "on this host", "this host's"};
    }
    return {fmt::format("host {}: ", util::printable_text(host)), "there", "its"};
}

void ephemeral_findings(const Registry& registry, const HostFacts& host, const HostWords& words,
                        std::vector<Finding>& out) {
    if (!host.reserved || covers(*host.reserved, registry.range)) {
        return;
    }
    const PortRange& range = registry.range;
    // Error when the kernel may really hand out ports of the range now, advice otherwise.
    const bool exposed =
        host.linux_ephemeral && host.linux_ephemeral->overlaps(range) &&
        !covers(*host.reserved, {std::max(range.first, host.linux_ephemeral->first),
                                 std::min(range.last, host.linux_ephemeral->last)});
    Finding f = exposed ? Finding(Severity::error, "ephemeral-not-reserved",
                                  fmt::format("{}{} ephemeral range {} "
                                              "(net.ipv4.ip_local_port_range) reaches into {} and "
                                              "net.ipv4.ip_local_reserved_ports does not cover it: "
                                              "the kernel can give those ports to outgoing "
                                              "connections",
                                              words.prefix, words.possessive,
                                              host.linux_ephemeral->to_string(), range.to_string()))
                        : Finding(Severity::info, "ephemeral-not-reserved",
                                  fmt::format("{}net.ipv4.ip_local_reserved_ports does not reserve "
                                              "{}; harmless while the ephemeral range stays clear "
                                              "of it, but reserving it keeps a later change of "
                                              "net.ipv4.ip_local_port_range out",
                                              words.prefix, range.to_string()));
    f.ports = range;
    f.platform = "linux";
    f.hint = Hint{HintKind::reserve_ephemeral, {}};
    out.push_back(std::move(f));
}

}  // namespace

std::string_view to_string(Verdict verdict) noexcept {
    switch (verdict) {
        case Verdict::none:
            return "-";
        case Verdict::ok:
            return "ok";
        case Verdict::unregistered:
            return "unregistered";
        case Verdict::wrong_process:
            return "wrong-process";
        case Verdict::unverified:
            return "unverified";
        case Verdict::not_listening:
            return "not-listening";
    }
    return "-";
}

std::string owners_unknown_message(const ScanResult& scan) {
    if (scan.owners_unknown == 0) {
        return {};
    }
    const std::size_t others = std::min(scan.owners_other_users, scan.owners_unknown);
    const std::size_t rest = scan.owners_unknown - others;
    std::string out;
    if (others > 0) {
        out = fmt::format(
            "the owners of {} socket(s) could not be read: they belong to other "
            "users' processes; run as root to see them",
            others);
    }
    if (rest > 0) {
        out += fmt::format(
            "{}{} socket(s) have no owning process in /proc (kernel sockets, or "
            "held only across a PID namespace)",
            out.empty() ? "" : "; ", rest);
    }
    return out;
}

std::vector<ScanRow> scan_rows(const Registry& registry, const std::vector<Listener>& listeners,
                               std::optional<PortRange> shown) {
    const detail::PortIndex index(registry);
    std::vector<ScanRow> rows;
    // (protocol, port) pairs something listens on, to find registered ports nobody holds.
    std::vector<bool> held_tcp(65536, false), held_udp(65536, false);
    for (const auto& l : listeners) {
        if (shown && !shown->contains(l.port)) {
            continue;
        }
        (l.protocol == Protocols::tcp ? held_tcp : held_udp)[l.port] = true;
        ScanRow row;
        row.ports = PortRange{l.port, l.port};
        row.protocol = l.protocol;
        row.address = l.address;
        row.pid = l.pid;
        row.process = l.process;
        if (const Allocation* a = index.holder(l.port, l.protocol)) {
            row.service = a->name;
            row.expected_process = a->process;
            row.verdict = process_verdict(a->process, l);
        } else {
            row.verdict = registry.range.contains(l.port) ? Verdict::unregistered : Verdict::none;
        }
        rows.push_back(std::move(row));
    }
    for (const auto& a : registry.allocations) {
        for (Protocols protocol : {Protocols::tcp, Protocols::udp}) {
            if (!shares_protocol(a.protocols, protocol)) {
                continue;
            }
            const auto& held = protocol == Protocols::tcp ? held_tcp : held_udp;
            // Merge runs of silent ports of a block into one row.
            std::uint32_t p = a.ports.first;
            while (p <= a.ports.last) {
                if (held[p] || (shown && !shown->contains(static_cast<Port>(p)))) {
                    ++p;
                    continue;
                }
                std::uint32_t end = p;
                while (end + 1 <= a.ports.last && !held[end + 1] &&
                       (!shown || shown->contains(static_cast<Port>(end + 1)))) {
                    ++end;
                }
                ScanRow row;
                row.ports = PortRange{static_cast<Port>(p), static_cast<Port>(end)};
                row.protocol = protocol;
                row.service = a.name;
                row.expected_process = a.process;
                row.verdict = Verdict::not_listening;
                rows.push_back(std::move(row));
                p = end + 1;
            }
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const ScanRow& a, const ScanRow& b) {
        return std::tie(a.ports.first, a.protocol) < std::tie(b.ports.first, b.protocol);
    });
    return rows;
}

Expected<HostView> view_host(const Registry& registry, const HostScanner& scanner,
                             std::optional<PortRange> ports, ScanSource source) {
    auto scan = scanner.scan(ScanOptions{ports, OwnerSearch::first, source, false});
    if (!scan) {
        return std::unexpected(scan.error());
    }
    HostView view{std::move(*scan), {}};
    view.rows = scan_rows(registry, view.scan.listeners, ports);
    const bool suspicious = std::any_of(view.rows.begin(), view.rows.end(), [](const ScanRow& r) {
        return r.verdict == Verdict::wrong_process;
    });
    if (!suspicious) {
        return view;
    }
    auto full = scanner.scan(ScanOptions{ports, OwnerSearch::all, source, false});
    if (!full) {
        return std::unexpected(full.error());
    }
    view.scan = std::move(*full);
    view.rows = scan_rows(registry, view.scan.listeners, ports);
    return view;
}

Expected<PortProbe> probe_host(const HostScanner& scanner, PortRange range) {
    auto scan = scanner.scan(ScanOptions{range, OwnerSearch::none, ScanSource::automatic, true});
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

namespace detail {

std::vector<Finding> judge_host(const Registry& registry, const std::vector<ScanRow>& rows,
                                const ScanResult& scan, const HostFacts& facts,
                                std::string_view host) {
    const HostWords words = host_words(host);
    std::vector<Finding> out;
    // One port-in-use finding per port and protocol, naming every holder.
    std::map<std::pair<Port, Protocols>, std::vector<const ScanRow*>> in_use;
    for (const auto& row : rows) {
        if (!registry.range.contains(row.ports.first)) {
            continue;
        }
        switch (row.verdict) {
            case Verdict::unregistered:
                in_use[{row.ports.first, row.protocol}].push_back(&row);
                break;
            case Verdict::wrong_process:
                out.push_back(finding(
                    Severity::error, "wrong-process",
                    fmt::format("{}{}: {} should be held by {} but {} holds it", words.prefix,
                                row.service, port_text(row),
                                util::printable_text(row.expected_process), holder_text(row)),
                    row));
                break;
            case Verdict::not_listening:
                out.push_back(
                    finding(Severity::info, "not-listening",
                            fmt::format("{}{}: {} is registered but nothing listens "
                                        "on it {}",
                                        words.prefix, row.service, port_text(row), words.here),
                            row));
                break;
            case Verdict::ok:
            case Verdict::unverified:  // owners-unknown below says why
            case Verdict::none:
                break;
        }
    }
    for (const auto& [key, holders] : in_use) {
        std::string who;
        for (const ScanRow* h : holders) {
            if (!who.empty()) {
                who += ", ";
            }
            who += holder_text(*h);
        }
        const ScanRow& row = *holders.front();
        Finding f = finding(Severity::error, "port-in-use",
                            fmt::format("{}{} is in use by {} but the registry has no entry "
                                        "for it{}; register it or move that service out of {}",
                                        words.prefix, port_text(row), who,
                                        quarantine_hint(registry, row), registry.range.to_string()),
                            row);
        f.hint = Hint{HintKind::pin_port, std::to_string(row.ports.first)};
        out.push_back(std::move(f));
    }
    if (scan.owners_unknown > 0) {
        out.emplace_back(Severity::info, "owners-unknown",
                         words.prefix + owners_unknown_message(scan));
    }
    ephemeral_findings(registry, facts, words, out);
    for (auto& f : out) {
        f.host = host;
    }
    sort_by_severity(out);
    return out;
}

}  // namespace detail

std::vector<Finding> check_host(const Registry& registry, const std::vector<ScanRow>& rows,
                                const ScanResult& scan, const HostFacts& host) {
    return detail::judge_host(registry, rows, scan, host, {});
}

Expected<std::vector<Finding>> check_this_host(const Registry& registry, ScanSource source,
                                               const HostFacts& host) {
    auto view = view_host(registry, SystemHostScanner{}, registry.range, source);
    if (!view) {
        return std::unexpected(view.error());
    }
    return check_host(registry, view->rows, view->scan, host);
}

}  // namespace harmony::network
