// The block at a glance: every port of a range with its state and what the registry, the
// reference data, the checks and the live hosts say about it. The terminal map, the HTML map
// and `map --json` all render this one model.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/fleet_store.hpp>
#include <harmony/network/host_scan.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

// What a port is. Later states are more notable: a map cell covering several ports shows the
// most notable state among them.
enum class PortState : std::uint8_t {
    free,         // in the default pool; nothing claims it
    registered,   // free, but an IANA assignment or known software names it (the rule skips it)
    pool,         // free, inside a named pool
    reserved,     // free, inside a reserved pool
    quarantined,  // released, still in quarantine
    allocated,    // a service has it
    in_use,       // something holds it (this host or a fleet host) but no service has it
    conflict,     // an error finding names it (not one about the whole orchestrator range)
};

// "free", "registered", "pool", "reserved", "quarantined", "allocated", "in-use", "conflict".
std::string_view to_string(PortState state) noexcept;

// Every state, in order (least notable first).
inline constexpr PortState k_port_states[] = {
    PortState::free,        PortState::registered, PortState::pool,   PortState::reserved,
    PortState::quarantined, PortState::allocated,  PortState::in_use, PortState::conflict};

// A socket holding a port now, on this host or on a fleet host.
struct PortHolder {
    std::string host;  // the fleet host that reported it; empty: this host
    Port port = 0;
    Protocols protocol = Protocols::tcp;  // tcp or udp
    std::string address;
    int pid = 0;          // 0: unknown
    std::string process;  // empty: unknown
};

// What is known about one port. Indexes point into the PortMap's vectors; -1: none.
struct PortDetails {
    Port port = 0;
    PortState state = PortState::free;
    int pool = -1;                   // PortMap::pools; -1: the default pool
    int allocation = -1;             // PortMap::allocations
    int released = -1;               // PortMap::released
    std::vector<int> holders;        // PortMap::holders
    std::vector<int> findings;       // PortMap::findings whose ports cover this port
    std::vector<std::string> iana;   // "http-alt/tcp": IANA assignments covering the port
    std::vector<std::string> known;  // "Grafana/tcp": software that listens here by default
};

// The map of one range.
struct PortMap {
    PortRange shown{};                    // the ports mapped
    PortRange range{};                    // the registry's orchestrator range
    std::vector<Pool> pools;              // the registry's pools (all of them, canonical order)
    std::vector<Allocation> allocations;  // those overlapping `shown`, canonical order
    std::vector<Released> released;       // those overlapping `shown`, canonical order
    std::vector<PortHolder> holders;      // those on `shown`, by port, host, protocol
    std::vector<Finding> findings;        // those naming a port of `shown`, most severe first
    std::vector<PortDetails> ports;       // one per port of `shown`, in port order
    std::array<std::size_t, std::size(k_port_states)> counts{};  // ports per state
    bool live_host = false;   // this host's sockets were looked at
    bool live_fleet = false;  // the fleet's reports were looked at
};

// What build_port_map maps besides the registry.
struct PortMapInput {
    std::optional<PortRange> shown;   // the ports to map; unset: the registry's range
    std::vector<Finding> findings;    // a check's findings (error ones mark conflicts)
    std::vector<PortHolder> holders;  // live sockets
    bool live_host = false;
    bool live_fleet = false;
};

// Builds the map: each port's state and details. The state is in-use when something holds a
// port no service has (whatever findings say: port-in-use says just that), else conflict when
// an error finding covers the port (unless it covers the whole orchestrator range: that is a
// range-wide problem, listed but not painted), else allocated, quarantined, reserved, pool,
// registered, free, in that precedence. Errors: invalid_argument when `shown` is not a valid range.
Expected<PortMap> build_port_map(const Registry& registry, PortMapInput input);

// The ports of the pool `name` names, as lookup_pool finds it ("default": the default pool,
// mapped over the registry's range). Error: not_found "no pool named 'NAME' in the registry"
// (with the closest name as a did-you-mean when there is one).
Expected<PortRange> pool_ports(const Registry& registry, std::string_view name);

// The sockets of a scan as holders on this host (host empty), one per listener.
std::vector<PortHolder> holders_from_scan(const std::vector<Listener>& listeners);

// The sockets of every fleet report that parses, as holders of that report's host (reports
// that do not parse are skipped: check_fleet_entries reports them as findings).
std::vector<PortHolder> holders_from_reports(const std::vector<HostReportEntry>& entries);

// How many ports of `map` are in `state` (counted once, when the map was built).
std::size_t count_ports(const PortMap& map, PortState state);

// One cell of a drawn map: a run of ports and the most notable state among them.
struct MapCell {
    PortRange ports;
    PortState state = PortState::free;
    int pool = -1;  // the pool of the cell's most notable port; -1: the default pool
};

// The map cut into at most `max_cells` cells of equal width (the last may be shorter): one
// port per cell when the map has no more ports than that, else ceil(ports / max_cells).
std::vector<MapCell> map_cells(const PortMap& map, std::size_t max_cells);

// How `render_map_text` draws.
struct MapTextOptions {
    bool color = false;  // ANSI colours as well as the characters
    int columns = 50;    // cells per row
    int max_rows = 20;   // at most columns * max_rows cells: larger ranges are aggregated
};

// The terminal map: a title line, rows of cells (the first port of each row on the left,
// a gap every ten cells), under a row where a pool (or, on a wider map, the orchestrator
// range) starts a line with '^' under its first cell and the names, the legend with each
// state's count, the pools, and the error findings (conflicts) with their ports. Each
// state has its own character, so the map reads the same without colour:
//   .  free      :  IANA / known software   -  reserved pool (free)
//   a-z free in the pool lettered A-Z        ~  quarantined
//   #  allocated (default pool)   A-Z allocated in that pool
//   @  in use, not allocated      !  conflict
// Pools past the 26th are drawn as ',' (free) and '%' (allocated). Deterministic.
std::string render_map_text(const PortMap& map, const MapTextOptions& options);

// The map as JSON: {"shown":{first,last},"range":{first,last},"pools":[...],
// "allocations":[allocation_json...],"released":[released_json...],"holders":[...],
// "findings":[{severity,code,message,first,last,service,host}],"counts":{state:N},
// "live":{"host":bool,"fleet":bool},"ports":[{"port","state","pool"?,"allocation"?,
// "released"?,"holders"?,"findings"?,"iana"?,"known"?}]} where only ports that are not plain
// free carry an entry and indexes point into the arrays above. Compact, deterministic.
std::string port_map_json(const PortMap& map);

// `map --html`: one self-contained page (inline SVG, CSS and JavaScript; nothing loaded from
// elsewhere) with one element per port carrying data-port, details on hover, a legend, a
// search box and the conflicts listed; ranges larger than 1,000 ports are drawn as aggregated
// cells that open up into their ports. `source` names the registry in the title.
std::string render_map_html(const PortMap& map, std::string_view source);

}  // namespace harmony::network
