// `export --format rust`: one core-only Rust file whose const evaluation checks the tables.
#include <algorithm>

#include <fmt/format.h>

#include <harmony/network/export.hpp>

#include "export/common.hpp"

namespace harmony::network {
namespace {

using detail::TableRow;

// What every generated file starts with after its header: the row type, the public checks
// (usable on a user's own tables) and their message builder. Plain `core`, no macros.
constexpr std::string_view k_prelude =
    R"rust(/// One service's ports in a table: a single port (`first == last`) or a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortEntry {
    /// The service name, e.g. `"ceph-rgw"`.
    pub name: &'static str,
    /// Its first port (the only one unless it is a block).
    pub first: u16,
    /// Its last port.
    pub last: u16,
    /// [`PortEntry::TCP`], [`PortEntry::UDP`] or both.
    pub protocols: u8,
    /// The cluster of a row in a cluster or fleet table; `""` elsewhere.
    pub cluster: &'static str,
}

impl PortEntry {
    /// The TCP bit of `protocols`.
    pub const TCP: u8 = 1;
    /// The UDP bit of `protocols`.
    pub const UDP: u8 = 2;

    /// A row outside any cluster.
    pub const fn new(name: &'static str, first: u16, last: u16, protocols: u8) -> PortEntry {
        PortEntry {
            name,
            first,
            last,
            protocols,
            cluster: "",
        }
    }

    /// The same row, in `cluster`.
    pub const fn in_cluster(self, cluster: &'static str) -> PortEntry {
        PortEntry { cluster, ..self }
    }
}

/// The first row of `table` named `name`, if any.
pub const fn find(table: &[PortEntry], name: &str) -> Option<PortEntry> {
    let mut i = 0;
    while i < table.len() {
        if same_text(table[i].name, name) {
            return Some(table[i]);
        }
        i += 1;
    }
    None
}

/// Panics on the first clash in `table`, naming the port and both services; in const
/// evaluation (`const _: () = check_ports(TABLE);`) the panic is a compile error:
/// - two names on one port for a shared protocol:
///   `port 25080/tcp is used by both ceph-rgw and ntfy`;
/// - one name on two different runs of ports:
///   `ntfy is on port 25253 in cluster prod-a but 25099 in cluster prod-b`, or
///   `ntfy is on port 25253 and on port 25099` (the same cluster, or none);
/// - a row whose first port is above its last:
///   `stray has first port 26019 above last port 26010`.
///
/// A shared port is reported before a name on two runs (as a name's later runs hold no
/// port). Rows repeating a name with the same ports are fine (a service in several clusters);
/// a row with no protocol holds no port. Linear in the rows and their ports.
pub const fn check_ports(table: &[PortEntry]) {
    // Name slots: at least twice the names, so linear probing stays short.
    if table.len() <= 1 << 9 {
        check_ports_with::<{ 1 << 10 }>(table)
    } else if table.len() <= 1 << 13 {
        check_ports_with::<{ 1 << 14 }>(table)
    } else {
        // Without a clash at most 2 * 65536 names hold a port.
        check_ports_with::<{ 1 << 18 }>(table)
    }
}

/// Panics on the first row of `table` with a port outside `first..=last`, naming it:
/// `port 26019 of stray is outside the range 25000-25999` (a block:
/// `ports 25990-26009 of stray are outside the range 25000-25999`).
pub const fn check_range(table: &[PortEntry], first: u16, last: u16) {
    let mut i = 0;
    while i < table.len() {
        let entry = table[i];
        if entry.first < first || entry.last > last {
            Message::new()
                .ports(entry.first, entry.last)
                .text(" of ")
                .text(entry.name)
                .place(entry.cluster)
                .text(if entry.first == entry.last {
                    " is"
                } else {
                    " are"
                })
                .text(" outside the range ")
                .run(first, last)
                .fail();
        }
        i += 1;
    }
}

// check_ports with a name index of SLOTS slots, each 0 (free) or (row + 1) << 2 | the
// protocols that name holds so far.
const fn check_ports_with<const SLOTS: usize>(table: &[PortEntry]) {
    if table.len() >= 1 << 29 {
        panic!("a port table holds at most 536870911 rows");
    }
    let mut held = [[0u64; 1024]; 2];
    let mut names = [0u32; SLOTS];
    let mut two_runs_at: Option<(PortEntry, PortEntry)> = None; // reported if nothing else is
    let mut i = 0;
    while i < table.len() {
        let entry = table[i];
        if entry.first > entry.last {
            Message::new()
                .text(entry.name)
                .place(entry.cluster)
                .text(" has first port ")
                .number(entry.first)
                .text(" above last port ")
                .number(entry.last)
                .fail();
        }
        let mut fresh = entry.protocols & (PortEntry::TCP | PortEntry::UDP);
        if fresh != 0 {
            let slot = name_slot(&names, table, entry.name);
            if names[slot] == 0 {
                names[slot] = ((i as u32 + 1) << 2) | fresh as u32;
            } else {
                let seen = table[(names[slot] >> 2) as usize - 1];
                if seen.first != entry.first || seen.last != entry.last {
                    if two_runs_at.is_none() {
                        two_runs_at = Some((seen, entry));
                    }
                    fresh = 0; // its ports stay with the name's first run
                }
                fresh &= !(names[slot] as u8) & 3;
                names[slot] |= fresh as u32;
            }
            if fresh != 0 {
                hold(&mut held, table, i, fresh);
            }
        }
        i += 1;
    }
    if let Some((seen, entry)) = two_runs_at {
        two_runs(seen, entry);
    }
}

// The slot of `name` in the index: where it is, or the free slot where it goes (FNV-1a).
const fn name_slot<const SLOTS: usize>(
    names: &[u32; SLOTS],
    table: &[PortEntry],
    name: &str,
) -> usize {
    let bytes = name.as_bytes();
    let mut hash: u32 = 0x811c_9dc5;
    let mut k = 0;
    while k < bytes.len() {
        hash = (hash ^ bytes[k] as u32).wrapping_mul(0x0100_0193);
        k += 1;
    }
    let mut slot = hash as usize & (SLOTS - 1);
    while names[slot] != 0 && !same_text(table[(names[slot] >> 2) as usize - 1].name, name) {
        slot = (slot + 1) & (SLOTS - 1);
    }
    slot
}

// Marks the ports of table[i] for the protocols in `bits`, 64 at a time; a port already held
// is a clash.
const fn hold(held: &mut [[u64; 1024]; 2], table: &[PortEntry], i: usize, bits: u8) {
    let (first, last) = (table[i].first as usize, table[i].last as usize);
    let mut protocol = 0;
    while protocol < 2 {
        let mut port = first;
        while bits & (1 << protocol) != 0 && port <= last {
            let word = port >> 6;
            let top = if last >> 6 == word { last & 63 } else { 63 };
            let mask = (u64::MAX >> (63 - top)) & (u64::MAX << (port & 63));
            let taken = held[protocol][word] & mask;
            if taken != 0 {
                shared_port(
                    table,
                    i,
                    protocol,
                    (word << 6) + taken.trailing_zeros() as usize,
                );
            }
            held[protocol][word] |= mask;
            port = (word + 1) << 6;
        }
        protocol += 1;
    }
}

// Reports `port` of table[i], held for `protocol` by an earlier row of another name.
const fn shared_port(table: &[PortEntry], i: usize, protocol: usize, port: usize) -> ! {
    let bit = 1u8 << protocol;
    let mut j = 0;
    while table[j].protocols & bit == 0
        || port < table[j].first as usize
        || port > table[j].last as usize
    {
        j += 1;
    }
    let (holder, entry) = (table[j], table[i]);
    let message = Message::new()
        .text("port ")
        .number(port as u16)
        .text(if protocol == 0 { "/tcp" } else { "/udp" })
        .text(" is used by both ")
        .text(holder.name);
    if same_text(holder.cluster, entry.cluster) {
        message
            .text(" and ")
            .text(entry.name)
            .place(entry.cluster)
            .fail()
    } else {
        message
            .place(holder.cluster)
            .text(" and ")
            .text(entry.name)
            .place(entry.cluster)
            .fail()
    }
}

// Reports a name on two different runs of ports: the first row of the name, and `entry`.
const fn two_runs(seen: PortEntry, entry: PortEntry) -> ! {
    let message = Message::new()
        .text(seen.name)
        .text(" is on ")
        .ports(seen.first, seen.last);
    if same_text(seen.cluster, entry.cluster) {
        message
            .text(" and on ")
            .ports(entry.first, entry.last)
            .place(entry.cluster)
            .fail()
    } else {
        message
            .place(seen.cluster)
            .text(" but ")
            .run(entry.first, entry.last)
            .place(entry.cluster)
            .fail()
    }
}

// Byte-wise equality (str's == is not const).
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut k = 0;
    while k < a.len() {
        if a[k] != b[k] {
            return false;
        }
        k += 1;
    }
    true
}

// A compile error's text, built in const evaluation (at most 256 bytes).
struct Message {
    bytes: [u8; 256],
    len: usize,
}

impl Message {
    const fn new() -> Message {
        Message {
            bytes: [0; 256],
            len: 0,
        }
    }

    const fn text(mut self, text: &str) -> Message {
        let bytes = text.as_bytes();
        let mut k = 0;
        while k < bytes.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = bytes[k];
            self.len += 1;
            k += 1;
        }
        self
    }

    const fn number(self, n: u16) -> Message {
        let mut digits = [0u8; 5];
        let (mut n, mut k) = (n, digits.len());
        loop {
            k -= 1;
            digits[k] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        match core::str::from_utf8(digits.split_at(k).1) {
            Ok(text) => self.text(text),
            Err(_) => self,
        }
    }

    // "25080", or "25090-25099" for a block.
    const fn run(self, first: u16, last: u16) -> Message {
        let message = self.number(first);
        if first == last {
            message
        } else {
            message.text("-").number(last)
        }
    }

    // "port 25080", or "ports 25090-25099" for a block.
    const fn ports(self, first: u16, last: u16) -> Message {
        self.text(if first == last { "port " } else { "ports " })
            .run(first, last)
    }

    // " in cluster NAME", or nothing outside a cluster.
    const fn place(self, cluster: &str) -> Message {
        if cluster.is_empty() {
            self
        } else {
            self.text(" in cluster ").text(cluster)
        }
    }

    // Stops const evaluation with the text (cut at a character boundary).
    const fn fail(self) -> ! {
        let head = self.bytes.split_at(self.len).0;
        let text = match core::str::from_utf8(head) {
            Ok(text) => text,
            Err(error) => match core::str::from_utf8(head.split_at(error.valid_up_to()).0) {
                Ok(text) => text,
                Err(_) => "",
            },
        };
        panic!("{}", text)
    }
}
)rust";

constexpr std::string_view k_header =
    "// Plain core Rust (no crate, no std): compile it as a crate (`rustc --crate-type lib`),\n"
    "// `mod` or `include!` it, also in a #![no_std] crate. Every table below is checked when\n"
    "// this file is compiled: two services on one port (per protocol), one service on two\n"
    "// ports, or a port outside the range is a compile error (E0080, \"evaluation panicked\")\n"
    "// naming the port and both services. The checks are linear; a large fleet still takes\n"
    "// its time, so they allow long_running_const_eval.\n\n";

// The name with letters and digits kept and each run of separators encoded: "-" as "_", "."
// as "__", any longer run as "___" + the run spelled with h for '-' and d for '.' + "___".
// Injective, as it decodes one way: a run of letters and digits, then "_" ('-'), "__" ('.')
// or "___" + h/d letters + "___" (a longer run), then the next run of letters and digits (a
// name starts and ends with one, and no other "_" is written).
std::string encoded(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size();) {
        if (name[i] != '-' && name[i] != '.') {
            out += name[i++];
            continue;
        }
        const std::size_t end = std::min(name.find_first_not_of("-.", i), name.size());
        const std::string_view run = name.substr(i, end - i);
        if (run == "-" || run == ".") {
            out += run == "-" ? "_" : "__";
        } else {
            out += "___";
            for (char c : run) {
                out += c == '-' ? 'h' : 'd';
            }
            out += "___";
        }
        i = end;
    }
    return out;
}

// `text` with `indent` before every line that is not empty.
std::string indented(std::string_view text, std::string_view indent) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && c != '\n') {
            out += indent;
        }
        out += c;
        line_start = c == '\n';
    }
    return out;
}

// The rows of a table literal, each in `cluster` if any.
std::string rows(const std::vector<TableRow>& table, std::string_view cluster) {
    std::string out;
    for (const auto& r : table) {
        out += fmt::format("        PortEntry::new(\"{}\", {}, {}, {})", r.name, r.ports.first,
                           r.ports.last,
                           detail::protocol_bits(r.protocols, "PortEntry::TCP", "PortEntry::UDP"));
        if (!cluster.empty()) {
            out += fmt::format(".in_cluster(\"{}\")", cluster);
        }
        out += ",\n";
    }
    return out;
}

// `pub const NAME: &'static [PortEntry] = &[ROWS];`, inside an impl.
std::string table(std::string_view doc, std::string_view name, const std::string& rows) {
    std::string out =
        fmt::format("    /// {}\n    pub const {}: &'static [PortEntry] = &[", doc, name);
    if (rows.empty()) {
        return out + "];\n";
    }
    out += "\n";
    out += rows;
    return out + "    ];\n";
}

// One constant per name: its first port.
std::string constants(const std::vector<TableRow>& rows) {
    std::string out;
    for (const TableRow* r : detail::first_row_per_name(rows)) {
        out += fmt::format("/// {}{}\npub const {}: u16 = {};\n", detail::row_summary(*r),
                           r->ports.size() > 1 ? " (its first port)" : "", rust_identifier(r->name),
                           r->ports.first);
    }
    return out;
}

std::string check(std::string_view call) {
    return fmt::format("#[allow(long_running_const_eval)]\nconst _: () = {};\n", call);
}

std::string registry_part(const detail::PortTables& tables) {
    std::string out =
        "/// The registry: the orchestrator range and every service, in port order.\n"
        "pub struct Registry;\n\nimpl Registry {\n";
    out += fmt::format(
        "    /// The first port of the orchestrator range.\n"
        "    pub const RANGE_FIRST: u16 = {};\n"
        "    /// The last port of the orchestrator range.\n"
        "    pub const RANGE_LAST: u16 = {};\n",
        tables.registry.range.first, tables.registry.range.last);
    out += table("Every service.", "PORTS", rows(tables.services, ""));
    out += "}\n\n";
    out += constants(tables.services);
    out += "\n";
    out += check("check_ports(Registry::PORTS)");
    out += check("check_range(Registry::PORTS, Registry::RANGE_FIRST, Registry::RANGE_LAST)");
    return out;
}

// A cluster's module, at column 0.
std::string cluster_module(const detail::ClusterTables& t) {
    const std::string& name = t.cluster->name;
    const std::string module = rust_module_identifier(name);
    std::string out = fmt::format("/// Cluster `{}` ({}).\n", name, t.cluster->kind);
    if (module.find("__") != std::string::npos) {
        out += "#[allow(non_snake_case)] // a '.' or a run of separators: see the naming rule\n";
    }
    out += fmt::format(
        "pub mod {} {{\n    use super::super::{{check_ports, check_range, PortEntry, "
        "Registry}};\n\n",
        module);
    std::string body = constants(t.ports);
    body += fmt::format(
        "\n/// The tables of cluster `{0}`.\npub struct Cluster;\n\nimpl Cluster {{\n"
        "    /// The cluster's name.\n    pub const NAME: &'static str = \"{0}\";\n"
        "    /// Its kind.\n    pub const KIND: &'static str = \"{1}\";\n",
        name, t.cluster->kind);
    body += table("The registry's services it runs, on the registry's ports.", "SERVICES",
                  rows(t.services, name));
    body += table("Its services, then its local ports.", "PORTS", rows(t.ports, name));
    body += "}\n\n";
    body += check("check_ports(Cluster::PORTS)");
    body += check("check_range(Cluster::SERVICES, Registry::RANGE_FIRST, Registry::RANGE_LAST)");
    return out + indented(body, "    ") + "}\n";
}

std::string clusters_part(const std::vector<detail::ClusterTables>& clusters) {
    std::string body = "use super::{check_ports, PortEntry};\n";
    std::string fleet;  // each cluster's rows carry its name: the fleet check names clusters
    for (const auto& t : clusters) {
        body += "\n";
        body += cluster_module(t);
        fleet += rows(t.ports, t.cluster->name);
    }
    body +=
        "\n/// Every cluster together: a port used by two services anywhere, or a service on\n"
        "/// different ports in different clusters, fails to compile.\n"
        "pub struct Fleet;\n\nimpl Fleet {\n";
    body += table("Every cluster's services and local ports, cluster by cluster.", "PORTS", fleet);
    body += "}\n\n";
    body += check("check_ports(Fleet::PORTS)");
    std::string out =
        "\n/// The topology's clusters, and the fleet: every cluster's ports together.\n"
        "pub mod clusters {\n";
    out += indented(body, "    ");
    return out + "}\n";
}

}  // namespace

std::string rust_identifier(std::string_view name) {
    std::string out = !name.empty() && name[0] >= '0' && name[0] <= '9' ? "_" : "";
    for (char c : encoded(name)) {
        out += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

std::string rust_module_identifier(std::string_view name) {
    std::string out = "in_";
    out += encoded(name);
    return out;
}

std::string export_rust(const Registry& registry, std::string_view source,
                        const Topology* topology) {
    const detail::PortTables tables = detail::port_tables(registry, topology);
    std::string out = fmt::format("// Generated by {}; do not edit.\n",
                                  detail::provenance(tables.registry, source));
    out += k_header;
    out += k_prelude;
    out += "\n";
    out += registry_part(tables);
    if (topology != nullptr) {
        out += clusters_part(tables.clusters);
    }
    return out;
}

}  // namespace harmony::network
