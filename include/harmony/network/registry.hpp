// The registry's content model: what harmony.network.ports.toml (or .yaml) holds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <harmony/network/port_range.hpp>
#include <harmony/network/protocol.hpp>

namespace harmony::network {

// Where an entry came from in a file; line/column are 1-based, 0 when unknown.
struct SourcePosition {
    int line = 0;
    int column = 0;
};

using TimePoint = std::chrono::sys_seconds;

// A named sub-range of the orchestrator range. Ports of a named pool are handed out only to
// requests that name the pool; `reserved` pools also refuse pins that do not name them.
struct Pool {
    std::string name;
    PortRange ports;
    bool reserved = false;
    SourcePosition where;
};

// One service's ports: a single port or a contiguous block.
struct Allocation {
    std::string name;
    PortRange ports;
    Protocols protocols = Protocols::tcp;
    std::string pool;     // empty: the default pool
    std::string owner;    // free text
    std::string notes;    // free text
    std::string process;  // expected process (comm) name, empty if unknown
    SourcePosition where;
};

// A released allocation in quarantine: its ports go to no other name until `until`.
struct Released {
    std::string name;
    PortRange ports;
    Protocols protocols = Protocols::tcp;
    TimePoint released_at;
    TimePoint until;
    SourcePosition where;
};

inline constexpr int k_schema_version = 1;
inline constexpr int k_default_quarantine_days = 30;
inline constexpr int k_max_quarantine_days = 3650;  // ten years: longer is a typo

struct Registry {
    PortRange range = k_adr014_range;  // from harmony.toml
    int schema_version = k_schema_version;
    int quarantine_days = k_default_quarantine_days;
    std::vector<Pool> pools;
    std::vector<Allocation> allocations;
    std::vector<Released> released;
};

// The ADR-014 initial table on `range`: pools metrics 25090-25099, control-plane 25500-25519,
// future-scores 25550-25599 (reserved); allocations ceph-rgw 25080/tcp, internal-https
// 25443/tcp. Entries that do not fit inside `range` are left out.
Registry adr014_default_registry(PortRange range = k_adr014_range);

// Puts pools, allocations and released entries in canonical order (by first port, then
// protocol, then name), the order every writer uses.
void canonicalize(Registry& registry);

// True when `registry` is already in canonical order (canonicalize would not move anything).
bool is_canonical(const Registry& registry);

// RFC 3339 UTC text "2026-11-26T01:09:00Z" and back (invalid_argument on bad text).
std::string format_time(TimePoint t);
Expected<TimePoint> parse_time(std::string_view text);

}  // namespace harmony::network
