// Exports: the registry rendered for documents and other tools.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/topology.hpp>

namespace harmony::network {

// The `list --json` object: {"range":{...},"pools":[...],"allocations":[...]}, each
// allocation as allocation_json() gives it.
std::string render_list_json(const Registry& registry);

// One allocation as JSON, compact, the one shape `list --json`, `get --json` and `export
// --format json` give it: {"name","first","last","protocols":["tcp"|"udp"],"pool" (null for
// the default pool),"owner","notes","process"}.
std::string allocation_json(const Allocation& allocation);

// One quarantine entry as JSON, compact, as `get --json` and `export --format json` give it:
// {"name","first","last","protocols","released","until"} (times in RFC 3339 UTC).
std::string released_json(const Released& released);

// `export --format json`: the list object plus schema_version, quarantine_days and released
// entries (released_json()). Deterministic.
std::string export_json(const Registry& registry, std::string_view source);

// `export --format markdown`: the ADR-style table of pools and allocations, escaped for
// Markdown tables. Deterministic.
std::string export_markdown(const Registry& registry, std::string_view source);

// What a firewall or kernel export covers: the whole orchestrator range, or only the ports
// the registry has allocated.
enum class ExportScope { range, allocations };

// Parses "range" or "allocations". Error: invalid_argument.
Expected<ExportScope> parse_export_scope(std::string_view text);

// `export --format sysctl`: a /etc/sysctl.d/ file setting net.ipv4.ip_local_reserved_ports
// (which covers IPv6 too) to the range or to the allocated ports, merged into runs.
// Deterministic; with no allocations in scope it sets nothing and says so.
std::string export_sysctl(const Registry& registry, std::string_view source, ExportScope scope);

// Firewall exports. Each is deterministic (same registry and source, same bytes), starts with
// a comment naming the generator, the source and the registry's schema and digest, carries
// only validated service names and port numbers (free-text owner and notes are left out), and
// opens the whole range (TCP and UDP) or, with ExportScope::allocations, each allocated port
// for its own protocols.

// nftables (`nft -f`): `define HARMONY_INFRA_PORTS`, then table inet harmony (replaced as a
// whole on load) with interval sets infra_range, allocated_tcp and allocated_udp (service
// names as element comments) and a regular chain infra_ports that accepts the scope.
std::string export_nftables(const Registry& registry, std::string_view source, ExportScope scope);

// iptables-restore / ip6tables-restore input: chain HARMONY-INFRA in table filter with ACCEPT
// rules per protocol, at most 15 ports per multiport rule, service names as rule comments.
std::string export_iptables(const Registry& registry, std::string_view source, ExportScope scope,
                            bool ipv6);

// A firewalld service definition (XML) named HarmonyInfraPorts with one <port> per run.
std::string export_firewalld(const Registry& registry, std::string_view source, ExportScope scope);

// OPNsense port alias HarmonyInfraPorts as a config.xml fragment, as OPNsense writes it
// (ranges as 25000:25999).
std::string export_opnsense_xml(const Registry& registry, std::string_view source,
                                ExportScope scope);

// The same alias as the JSON body of OPNsense's alias API (POST /api/firewall/alias/addItem).
std::string export_opnsense_api(const Registry& registry, std::string_view source,
                                ExportScope scope);

// The export formats by name, in the order `--help` lists them: nftables, iptables,
// ip6tables, firewalld, opnsense, opnsense-api, sysctl, cpp, rust, markdown, json.
const std::vector<std::string_view>& export_formats();

// True for the formats that honour ExportScope (markdown and json show the whole registry).
bool export_uses_scope(std::string_view format);

// True for the formats that take a topology (cpp and rust).
bool export_uses_topology(std::string_view format);

// `export --format cpp`: a C++ header (namespace harmony_ports) with one constexpr constant
// per service (k_ + the name, '-' as '_' and '.' as 'D', e.g. k_ceph_rgw = 25080; a block's
// first port), the range, and the table k_ports, checked at compile time by the validators
// of <harmony/network/port_table.hpp>: no port shared by two services for a protocol, every
// port inside the range. With a topology: the same per cluster (namespace
// harmony_ports::clusters::in_NAME, its services and local ports) and a fleet table k_fleet
// whose check also fails when a service has different ports in different clusters.
std::string export_cpp(const Registry& registry, std::string_view source, const Topology* topology);

// The C++ identifier export_cpp uses for a service or cluster name: "k_" + name with '-' as
// '_' and '.' as 'D' (names hold neither '_' nor capitals, so distinct names stay distinct).
std::string cpp_identifier(std::string_view name);

// `export --format rust`: one Rust source file of plain `core` (no crate, no std: it compiles
// with a bare `rustc --crate-type lib`, as a module, through include!, or in a #![no_std]
// crate) with what export_cpp has, checked by const evaluation instead of static_assert:
//  - the row type PortEntry (name, first, last, protocols: PortEntry::TCP | PortEntry::UDP,
//    cluster) and the public const fns check_ports, check_range and find, which a user's own
//    tables can call too;
//  - struct Registry with RANGE_FIRST, RANGE_LAST and PORTS (every service, canonical order),
//    and one `pub const NAME: u16` per service (rust_identifier; a block's first port);
//  - `const _: () = check_ports(Registry::PORTS);` and check_range over the range;
//  - with a topology, `pub mod clusters` holding one module per cluster
//    (rust_module_identifier) with its constants and struct Cluster (NAME, KIND, SERVICES,
//    PORTS; rows in_cluster), checked the same way, and struct Fleet (PORTS: every cluster's
//    rows), whose check also fails when a service has different ports in different clusters.
// A clash is compile error E0080 "evaluation panicked: " followed by one of
//   port 25080/tcp is used by both ceph-rgw and ntfy
//   port 25080/tcp is used by both ceph-rgw in cluster prod-a and cache in cluster prod-b
//   ntfy is on port 25253 in cluster prod-a but 25099 in cluster prod-b
//   ntfy is on port 25253 and on port 25099 in cluster prod-b   (one cluster, or none)
//   stray has first port 26019 above last port 26010
//   port 26019 of stray is outside the range 25000-25999
//   ports 25990-26009 of stray are outside the range 25000-25999
// (" in cluster X" after a name whose row is in a cluster; each check reports its first
// clash, a shared port before a name on two runs). Deterministic.
std::string export_rust(const Registry& registry, std::string_view source,
                        const Topology* topology);

// The Rust constant export_rust uses for a (valid) service name, in SCREAMING_SNAKE_CASE: the name
// in capitals with each run of separators encoded — "-" as "_", "." as "__", a longer run as "___"
// + the run spelled with H for '-' and D for '.' + "___" — and "_" before a leading digit:
// ceph-rgw -> CEPH_RGW, a.b -> A__B, a-.b -> A___HD___B, 9p -> _9P. Injective over valid
// service names; never a keyword, nor one of the file's own items (functions in lower case,
// CamelCase types, constants inside a type).
std::string rust_identifier(std::string_view name);

// The Rust module export_rust uses for a cluster: "in_" + the same encoding in lower case
// (prod-a -> in_prod_a, eu.west -> in_eu__west; "in_" keeps digits and keywords valid).
// Injective; snake_case unless the name has a '.' or a run of separators (that module gets
// #[allow(non_snake_case)]).
std::string rust_module_identifier(std::string_view name);

struct ExportOptions {
    std::string source;                      // names the registry in the output
    ExportScope scope = ExportScope::range;  // formats that open or reserve ports
    const Topology* topology = nullptr;      // cpp, rust: per-cluster tables
};

// Renders `registry` in `format` (one of export_formats()). Error: invalid_argument for an
// unknown format, with a "did you mean", and for a topology given to a format that takes none.
Expected<std::string> export_registry(const Registry& registry, std::string_view format,
                                      const ExportOptions& options);

}  // namespace harmony::network
