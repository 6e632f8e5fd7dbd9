#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <harmony/network/allocator.hpp>
#include <harmony/network/export.hpp>
#include <harmony/network/service_name.hpp>
#include <harmony/network/topology.hpp>

using namespace harmony::network;

TEST(ExportJson, ListHasTheContractShape) {
    auto j = nlohmann::json::parse(render_list_json(adr014_default_registry()));
    EXPECT_EQ(j["range"]["first"], 25000);
    EXPECT_EQ(j["range"]["last"], 25999);
    ASSERT_EQ(j["pools"].size(), 3U);
    EXPECT_EQ(j["pools"][2]["name"], "future-scores");
    EXPECT_EQ(j["pools"][2]["reserved"], true);
    ASSERT_EQ(j["allocations"].size(), 2U);
    EXPECT_EQ(j["allocations"][0]["name"], "ceph-rgw");
    EXPECT_EQ(j["allocations"][0]["first"], 25080);
    EXPECT_EQ(j["allocations"][0]["protocols"], nlohmann::json::array({"tcp"}));
    EXPECT_TRUE(j["allocations"][0]["pool"].is_null());
    for (const char* key : {"name", "first", "last", "protocols", "pool", "owner", "notes"}) {
        EXPECT_TRUE(j["allocations"][1].contains(key)) << key;
    }
}

TEST(ExportMarkdown, EscapesHostileNotesIntoOneCell) {
    PortAllocator a(adr014_default_registry());
    AllocateOptions o;
    o.notes = "evil | cell\n# heading <script>alert(1)</script> $x `code`";
    ASSERT_TRUE(a.allocate("ntfy", o));
    std::string md = export_markdown(a.registry(), "test");
    auto line_start = md.find("| ntfy |");
    ASSERT_NE(line_start, std::string::npos);
    std::string line = md.substr(line_start, md.find('\n', line_start) - line_start);
    EXPECT_EQ(line.find("<script>"), std::string::npos);
    EXPECT_NE(line.find("evil \\| cell<br>\\# heading &lt;script&gt;"), std::string::npos) << line;
    // 7 unescaped pipes: the row still has exactly six cells.
    int pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        pipes += (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ? 1 : 0;
    }
    EXPECT_EQ(pipes, 7);
}

namespace {

// Golden files: export_markdown's output compared byte for byte with tests/data/golden/*.md.
// After an intended change, regenerate them and review the diff:
//   HARMONY_PORTS_UPDATE_GOLDEN=1 build/tests/harmony_ports_unit_tests
//   --gtest_filter='ExportMarkdown.Golden*'
void expect_golden(const std::string& name, const std::string& actual) {
    const std::filesystem::path path =
        std::filesystem::path(HARMONY_PORTS_TEST_DATA) / "golden" / name;
    if (std::getenv("HARMONY_PORTS_UPDATE_GOLDEN") != nullptr) {
        std::ofstream(path, std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << path;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " is missing; see the comment above expect_golden";
    const std::string expected((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    EXPECT_EQ(actual, expected) << "differs from " << path;
}

}  // namespace

TEST(ExportMarkdown, GoldenDefaultTable) {
    expect_golden("adr014-default.md",
                  export_markdown(adr014_default_registry(), "harmony.network.ports.toml"));
}

// Every cell kind: a block, UDP and TCP+UDP, a pool, free text that needs escaping, and the
// quarantine table; entries given out of order (the export sorts them).
TEST(ExportMarkdown, GoldenEveryKindOfRow) {
    Registry r = adr014_default_registry();
    auto add = [&r](std::string name, PortRange ports, Protocols protocols, std::string pool,
                    std::string owner, std::string notes) {
        Allocation a;
        a.name = std::move(name);
        a.ports = ports;
        a.protocols = protocols;
        a.pool = std::move(pool);
        a.owner = std::move(owner);
        a.notes = std::move(notes);
        r.allocations.push_back(std::move(a));
    };
    add("media", {25200, 25203}, Protocols::udp, "", "Media team", "RTP block");
    add("dns", {25053, 25053}, Protocols::tcp_udp, "", "", "evil | cell\n# <b>x</b> `y`");
    add("prometheus", {25090, 25090}, Protocols::tcp, "metrics", "SRE", "");
    Released old;
    old.name = "old-web";
    old.ports = {25101, 25101};
    old.released_at = TimePoint{std::chrono::seconds{1767225600}};  // 2026-01-01T00:00:00Z
    old.until = old.released_at + std::chrono::days{30};
    r.released.push_back(old);
    expect_golden("every-kind.md", export_markdown(r, "fleet/harmony.network.ports.toml"));
}

// The library speaks of the data, not of the CLI's --scope flag.
TEST(ExportScope, AnUnknownScopeIsNamedWithoutTheFlag) {
    auto scope = parse_export_scope("ports");
    ASSERT_FALSE(scope);
    EXPECT_EQ(scope.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(scope.error().message, "unknown export scope 'ports': expected range or allocations");
}

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The ADR-014 table plus a UDP service, a TCP+UDP service and a block, given out of order.
Registry rust_registry() {
    Registry r = adr014_default_registry();
    auto add = [&r](std::string name, PortRange ports, Protocols protocols) {
        Allocation a;
        a.name = std::move(name);
        a.ports = ports;
        a.protocols = protocols;
        r.allocations.push_back(std::move(a));
    };
    add("metrics-a", {25090, 25099}, Protocols::tcp);
    add("dns", {25053, 25053}, Protocols::udp);
    add("ntp.relay", {25123, 25123}, Protocols::tcp_udp);
    return r;
}

Topology rust_topology() {
    auto t = parse_topology(
        "[[cluster]]\nname = \"prod-a\"\nkind = \"okd\"\nservices = [\"ceph-rgw\", \"dns\"]\n"
        "[cluster.ports]\nlegacy-proxy = 8081\n\n"
        "[[cluster]]\nname = \"eu.west\"\nkind = \"bare-metal\"\nservices = [\"dns\", \"nope\"]\n",
        "t.toml");
    EXPECT_TRUE(t) << (t ? "" : t.error().message);
    return t ? *t : Topology{};
}

// Every valid service name up to `length` characters over `alphabet`.
std::vector<std::string> every_name(std::string_view alphabet, std::size_t length) {
    std::vector<std::string> out, level{""};
    for (std::size_t n = 1; n <= length; ++n) {
        std::vector<std::string> next;
        for (const auto& prefix : level) {
            for (char c : alphabet) {
                next.push_back(prefix + c);
            }
        }
        for (const auto& name : next) {
            if (validate_service_name(name)) {
                out.push_back(name);
            }
        }
        level = std::move(next);
    }
    return out;
}

}  // namespace

TEST(RustExport, IdentifiersFollowTheDocumentedRule) {
    EXPECT_EQ(rust_identifier("ceph-rgw"), "CEPH_RGW");
    EXPECT_EQ(rust_identifier("a.b"), "A__B");
    EXPECT_EQ(rust_identifier("a-.b"), "A___HD___B");
    EXPECT_EQ(rust_identifier("a.-b"), "A___DH___B");
    EXPECT_EQ(rust_identifier("a--b"), "A___HH___B");
    EXPECT_EQ(rust_identifier("a..b-c"), "A___DD___B_C");
    EXPECT_EQ(rust_identifier("9p"), "_9P");     // a leading digit gets "_"
    EXPECT_EQ(rust_identifier("self"), "SELF");  // capitals: no keyword (Self is one)
    EXPECT_EQ(rust_module_identifier("prod-a"), "in_prod_a");
    EXPECT_EQ(rust_module_identifier("9p"), "in_9p");
    EXPECT_EQ(rust_module_identifier("self"), "in_self");
    EXPECT_EQ(rust_module_identifier("eu.west"), "in_eu__west");
    EXPECT_EQ(rust_module_identifier("a-.b"), "in_a___hd___b");
}

// The pairs a naive rule confuses: '.' as "__" next to '-' as "_", a spelled run next to
// letters that spell one, and a prefix against a leading digit.
TEST(RustExport, TrickyPairsGetDistinctIdentifiers) {
    const std::vector<std::pair<std::string, std::string>> pairs = {
        {"a-.b", "a.-b"},   {"a--b", "a.b"},      {"a---b", "a-.b"},  {"a.b", "a-b"},
        {"a-hd-b", "a-.b"}, {"a.dh.b", "a.-b"},   {"a.hh.b", "a--b"}, {"p-9p", "9p"},
        {"a.b-c", "a-b.c"}, {"a..b", "a-d-b"},    {"a-h-b", "a--b"},  {"hd", "h.d"},
        {"a-b", "a.b"},     {"x--y.z", "x-.-y-z"}};
    for (const auto& [x, y] : pairs) {
        ASSERT_TRUE(validate_service_name(x)) << x;
        ASSERT_TRUE(validate_service_name(y)) << y;
        EXPECT_NE(rust_identifier(x), rust_identifier(y)) << x << " / " << y;
        EXPECT_NE(rust_module_identifier(x), rust_module_identifier(y)) << x << " / " << y;
    }
}

// Injective over every valid name of up to 6 characters drawn from letters the encoding
// itself writes (d, h), another letter, a digit and both separators; and every result is a
// valid Rust identifier of its kind (a constant: no lower case; a module: no capitals).
TEST(RustExport, IdentifiersAreInjectiveAndValidOverEveryShortName) {
    const std::vector<std::string> names = every_name("adh0-.", 6);
    ASSERT_GT(names.size(), 10000U);
    const std::regex constant("(_[0-9]|[A-Z])[A-Z0-9_]*");
    const std::regex module("in_[a-z0-9_]*");
    std::set<std::string> constants, modules;
    for (const auto& name : names) {
        const std::string c = rust_identifier(name);
        const std::string m = rust_module_identifier(name);
        ASSERT_TRUE(std::regex_match(c, constant)) << name << " -> " << c;
        ASSERT_TRUE(std::regex_match(m, module)) << name << " -> " << m;
        EXPECT_TRUE(constants.insert(c).second) << name << " -> " << c << " twice";
        EXPECT_TRUE(modules.insert(m).second) << name << " -> " << m << " twice";
    }
}

// Long names too: 100,000 random valid names up to 63 characters, none sharing an identifier.
TEST(RustExport, IdentifiersAreInjectiveOverRandomLongNames) {
    std::mt19937 random(20261201);
    const std::string_view alphabet = "abdhz09-.";
    std::set<std::string> names, constants;
    while (names.size() < 100000) {
        std::string name(1 + random() % 63, 'a');
        for (char& c : name) {
            c = alphabet[random() % alphabet.size()];
        }
        if (validate_service_name(name) && names.insert(name).second) {
            EXPECT_TRUE(constants.insert(rust_identifier(name)).second) << name;
        }
    }
}

TEST(RustExport, NamesEveryServiceTheRangeAndTheChecks) {
    const std::string rs = export_rust(rust_registry(), "harmony.network.ports.toml", nullptr);
    EXPECT_EQ(rs.rfind("// Generated by harmony-ports ", 0), 0U) << rs.substr(0, 200);
    EXPECT_TRUE(contains(rs, " from harmony.network.ports.toml (schema 1, digest ")) << rs;
    for (const char* line :
         {"    pub const RANGE_FIRST: u16 = 25000;\n", "    pub const RANGE_LAST: u16 = 25999;\n",
          "/// ceph-rgw 25080/tcp\npub const CEPH_RGW: u16 = 25080;\n",
          "/// metrics-a 25090-25099/tcp (its first port)\npub const METRICS_A: u16 = 25090;\n",
          "/// ntp.relay 25123/tcp+udp\npub const NTP__RELAY: u16 = 25123;\n",
          "    pub const PORTS: &'static [PortEntry] = &[\n"
          "        PortEntry::new(\"dns\", 25053, 25053, PortEntry::UDP),\n"
          "        PortEntry::new(\"ceph-rgw\", 25080, 25080, PortEntry::TCP),\n"
          "        PortEntry::new(\"metrics-a\", 25090, 25099, PortEntry::TCP),\n"
          "        PortEntry::new(\"ntp.relay\", 25123, 25123, PortEntry::TCP | "
          "PortEntry::UDP),\n"
          "        PortEntry::new(\"internal-https\", 25443, 25443, PortEntry::TCP),\n"
          "    ];\n",
          "#[allow(long_running_const_eval)]\nconst _: () = check_ports(Registry::PORTS);\n",
          "const _: () = check_range(Registry::PORTS, Registry::RANGE_FIRST, "
          "Registry::RANGE_LAST);\n",
          "pub const fn check_ports(table: &[PortEntry]) {\n",
          "pub const fn check_range(table: &[PortEntry], first: u16, last: u16) {\n",
          "pub const fn find(table: &[PortEntry], name: &str) -> Option<PortEntry> {\n"}) {
        EXPECT_TRUE(contains(rs, line)) << "missing:\n" << line;
    }
    // Core only, no per-cluster part without a topology.
    EXPECT_FALSE(contains(rs, "std::"));
    EXPECT_FALSE(contains(rs, "extern crate"));
    EXPECT_FALSE(contains(rs, "mod clusters"));
    EXPECT_FALSE(contains(rs, "\n#!["));  // no inner attribute: include! and mod work too
}

TEST(RustExport, IsDeterministicAndListedAfterCpp) {
    Registry shuffled = rust_registry();
    std::reverse(shuffled.allocations.begin(), shuffled.allocations.end());
    const Topology t = rust_topology();
    EXPECT_EQ(export_rust(rust_registry(), "r.toml", &t), export_rust(shuffled, "r.toml", &t));
    auto via_table = export_registry(rust_registry(), "rust", ExportOptions{"r.toml", {}, &t});
    ASSERT_TRUE(via_table) << via_table.error().message;
    EXPECT_EQ(*via_table, export_rust(rust_registry(), "r.toml", &t));
    const auto& formats = export_formats();
    auto cpp = std::find(formats.begin(), formats.end(), "cpp");
    ASSERT_NE(cpp, formats.end());
    ASSERT_NE(cpp + 1, formats.end());
    EXPECT_EQ(cpp[1], "rust");
    EXPECT_FALSE(export_uses_scope("rust"));
}

TEST(RustExport, ATopologyAddsClusterModulesAndTheFleet) {
    const Topology t = rust_topology();
    const std::string rs = export_rust(rust_registry(), "r.toml", &t);
    for (const char* part :
         {"/// The topology's clusters, and the fleet: every cluster's ports together.\n"
          "pub mod clusters {\n    use super::{check_ports, PortEntry};\n\n"
          "    /// Cluster `prod-a` (okd).\n    pub mod in_prod_a {\n"
          "        use super::super::{check_ports, check_range, PortEntry, Registry};\n\n"
          "        /// ceph-rgw 25080/tcp\n        pub const CEPH_RGW: u16 = 25080;\n"
          "        /// dns 25053/udp\n        pub const DNS: u16 = 25053;\n"
          "        /// legacy-proxy 8081/tcp, local port\n"
          "        pub const LEGACY_PROXY: u16 = 8081;\n",
          "            pub const NAME: &'static str = \"prod-a\";\n",
          "            pub const KIND: &'static str = \"okd\";\n",
          // Rows in the topology's order, each in its cluster.
          "            pub const SERVICES: &'static [PortEntry] = &[\n"
          "                PortEntry::new(\"ceph-rgw\", 25080, 25080, PortEntry::TCP)"
          ".in_cluster(\"prod-a\"),\n"
          "                PortEntry::new(\"dns\", 25053, 25053, PortEntry::UDP)"
          ".in_cluster(\"prod-a\"),\n"
          "            ];\n",
          "        #[allow(long_running_const_eval)]\n"
          "        const _: () = check_ports(Cluster::PORTS);\n"
          "        #[allow(long_running_const_eval)]\n"
          "        const _: () = check_range(Cluster::SERVICES, Registry::RANGE_FIRST, "
          "Registry::RANGE_LAST);\n",
          // A name with '.' keeps its encoding and allows it; an unknown service is left out.
          "    /// Cluster `eu.west` (bare-metal).\n    #[allow(non_snake_case)]",
          "    pub mod in_eu__west {\n", "    pub struct Fleet;\n",
          "        pub const PORTS: &'static [PortEntry] = &[\n"
          "            PortEntry::new(\"ceph-rgw\", 25080, 25080, PortEntry::TCP)"
          ".in_cluster(\"prod-a\"),\n"
          "            PortEntry::new(\"dns\", 25053, 25053, PortEntry::UDP)"
          ".in_cluster(\"prod-a\"),\n"
          "            PortEntry::new(\"legacy-proxy\", 8081, 8081, PortEntry::TCP)"
          ".in_cluster(\"prod-a\"),\n"
          "            PortEntry::new(\"dns\", 25053, 25053, PortEntry::UDP)"
          ".in_cluster(\"eu.west\"),\n"
          "        ];\n",
          "    #[allow(long_running_const_eval)]\n    const _: () = check_ports(Fleet::PORTS);\n"
          "}\n"}) {
        EXPECT_TRUE(contains(rs, part)) << "missing:\n" << part << "\nin:\n" << rs;
    }
    EXPECT_FALSE(contains(rs, "nope"));
    // An empty topology still has the (empty) fleet, checked.
    const Topology none;
    EXPECT_TRUE(contains(export_rust(rust_registry(), "r.toml", &none),
                         "        pub const PORTS: &'static [PortEntry] = &[];\n"));
}

// The source is free text: it cannot end the header comment or start code.
TEST(RustExport, AHostileSourceStaysInsideTheHeaderComment) {
    const std::string rs = export_rust(rust_registry(), "evil\npub fn x() {}\r\n*/ \"", nullptr);
    const std::string first_line = rs.substr(0, rs.find('\n'));
    EXPECT_TRUE(contains(first_line, "do not edit.")) << first_line;
    EXPECT_FALSE(contains(rs, "\npub fn x"));
}

TEST(ExportRegistry, ATopologyIsTakenOnlyByTheFormatsThatUseIt) {
    const Registry registry = adr014_default_registry();
    const Topology topology;
    ExportOptions options;
    options.topology = &topology;
    auto json = export_registry(registry, "json", options);
    ASSERT_FALSE(json);
    EXPECT_EQ(json.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(json.error().message,
              "a topology applies to the cpp and rust exports only, not to json");
    EXPECT_TRUE(export_registry(registry, "rust", options));
    EXPECT_TRUE(export_registry(registry, "cpp", options));
    EXPECT_TRUE(export_uses_topology("rust"));
    EXPECT_FALSE(export_uses_topology("nftables"));
}
