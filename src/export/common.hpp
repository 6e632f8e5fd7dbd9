// What the exports share: the header line, which ports a scope covers, quoting for comment
// and XML contexts, and the port tables the code exports (cpp, rust) check at compile time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/export.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/topology.hpp>

namespace harmony::network::detail {

// The registry's digest: FNV-1a 64 of its canonical TOML, as 16 hex digits.
std::string registry_digest(const Registry& registry);

// "harmony-ports 0.1.0 from SOURCE (schema 1, digest 0123456789abcdef)": who made an export
// from which registry. SOURCE is made printable (no line breaks, quotes or backslashes), so
// the text is safe inside any line comment. The digest is FNV-1a 64 of the canonical TOML.
std::string provenance(const Registry& registry, std::string_view source);

// One run of ports an export opens for a protocol, and whose it is.
struct PortRun {
    PortRange ports;
    std::string name;  // a validated service name, or the range's label
};

// The runs a scope covers for `protocol` (tcp or udp): the whole range (named
// "HarmonyInfraPorts"), or each allocation that has the protocol, in canonical order.
std::vector<PortRun> runs_for(const Registry& registry, Protocols protocol, ExportScope scope);

// `text` with & < > " ' as XML entities.
std::string xml_escape(std::string_view text);

// `text` safe inside an XML comment: printable, and no "--".
std::string xml_comment_text(std::string_view text);

// One row of a generated port table.
struct TableRow {
    std::string name;
    PortRange ports;
    Protocols protocols = Protocols::tcp;
    bool local = false;  // a cluster's own port ([cluster.ports]), not a registry service
};

// One cluster's tables: the registry services it runs (those the registry has, with the
// registry's ports), and those followed by its local ports.
struct ClusterTables {
    const Cluster* cluster = nullptr;
    std::vector<TableRow> services;
    std::vector<TableRow> ports;
};

// What export_cpp and export_rust render: the registry (canonical order) and its services,
// and with a topology each cluster's tables in file order (the fleet table is every
// cluster's `ports`, one after the other). Clusters point into `topology`.
struct PortTables {
    Registry registry;
    std::vector<TableRow> services;
    std::vector<ClusterTables> clusters;
};

// Builds the tables; `topology` may be null (no clusters).
PortTables port_tables(const Registry& registry, const Topology* topology);

// The rows that get a named constant: the first row of each name, in table order (a local
// port repeating a service's name adds none; if its ports differ, the table check says so).
std::vector<const TableRow*> first_row_per_name(const std::vector<TableRow>& rows);

// A table row's protocol bits as code: `tcp`, `udp`, or "TCP | UDP" for both.
std::string protocol_bits(Protocols protocols, std::string_view tcp, std::string_view udp);

// "ceph-rgw 25080/tcp", "legacy-proxy 8081/tcp, local port": a constant's comment.
std::string row_summary(const TableRow& row);

}  // namespace harmony::network::detail
