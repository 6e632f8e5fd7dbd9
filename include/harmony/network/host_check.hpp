// What the registry says about what is listening: scan verdicts and `check --host` findings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/allocator.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/host_facts.hpp>
#include <harmony/network/host_scan.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

enum class Verdict {
    none,           // outside the orchestrator range and not in the registry: not ours
    ok,             // registered for this protocol (and, if named, the expected process)
    unregistered,   // inside the range, unknown to the registry
    wrong_process,  // registered, but held by another process than the registry names
    unverified,     // registered with an expected process, but the owner could not be read
    not_listening,  // registered, but nothing holds it here
};

// "-", "ok", "unregistered", "wrong-process", "unverified", "not-listening".
std::string_view to_string(Verdict verdict) noexcept;

// One row of `harmony-ports scan`.
struct ScanRow {
    PortRange ports;                      // one port, or a block nobody listens on
    Protocols protocol = Protocols::tcp;  // tcp or udp
    std::string address;                  // empty for not-listening rows
    int pid = 0;                          // 0: unknown
    std::string process;                  // empty: unknown
    std::string service;                  // registry name holding the port, if any
    std::string expected_process;         // the registry's process for it, if any
    Verdict verdict = Verdict::none;
};

// Joins the scanned sockets with the registry: one row per socket, plus one per registered
// port (runs of a block merged) with nothing on it, for registered ports inside `shown`
// (all when unset). Sorted by port, then protocol. Process names are compared as the
// kernel's command names (registry process names are limited to its 15 characters).
std::vector<ScanRow> scan_rows(const Registry& registry, const std::vector<Listener>& listeners,
                               std::optional<PortRange> shown);

// A scan of the host joined with the registry.
struct HostView {
    ScanResult scan;
    std::vector<ScanRow> rows;  // scan_rows of scan.listeners
};

// Scans the sockets on `ports` (all when unset) with `scanner`, owners included, and joins
// them with `registry`. A socket inherited by children (a pre-fork master, socket activation)
// has several holders: when a row looks held by the wrong process, scans again for every
// holder before judging. Errors: the scanner's.
Expected<HostView> view_host(const Registry& registry, const HostScanner& scanner,
                             std::optional<PortRange> ports, ScanSource source);

// Which ports of `range` something holds now, per protocol (every socket that would make
// bind() fail, not only listeners), as a probe for AllocateOptions. Errors: the scanner's.
Expected<PortProbe> probe_host(const HostScanner& scanner, PortRange range);

// Why some owners are missing ("the owners of 3 socket(s) could not be read: ..."), or ""
// when every owner was found.
std::string owners_unknown_message(const ScanResult& scan);

// `check --host` findings from scan rows (the range only): port-in-use (error),
// wrong-process (error), not-listening (info), owners-unknown (info when owners could not
// be read), and ephemeral-not-reserved from `host` (error when this host's ephemeral range
// reaches into the range without net.ipv4.ip_local_reserved_ports covering it, else info
// advice while the range is not reserved).
std::vector<Finding> check_host(const Registry& registry, const std::vector<ScanRow>& rows,
                                const ScanResult& scan, const HostFacts& host);

// check_host for this host now: the sockets on the registry's range (SystemHostScanner, from
// `source`), judged with `host` (read_host_facts() of the calling thread's network namespace).
// Errors: the scanner's.
Expected<std::vector<Finding>> check_this_host(const Registry& registry, ScanSource source,
                                               const HostFacts& host);

}  // namespace harmony::network
