// Firewall and kernel exports, checked by the real tools that will consume them: nft,
// iptables-restore, ip6tables-restore, firewall-offline-cmd, sysctl and an XML parser; and
// one nftables export loaded into a namespace, deciding real traffic.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/netns.hpp"
#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// Hostile free text: quotes, newlines and the comment/statement characters of every format.
const std::string k_hostile =
    "ZZHOSTILE\" ' ; accept\n# drop <script>$HOME</script> } ]]> -- `rm` \\ {evil}";

class Exports : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) {
            GTEST_SKIP() << "the validators need root (namespaces, netfilter); CI runs as root";
        }
    }
    // A registry folder with the ADR-014 table plus udp, tcp+udp, a block and hostile text.
    fs::path small_registry() {
        const fs::path dir = m_dir.path() / "small";
        fs::create_directories(dir);
        for (auto args : std::vector<std::vector<std::string>>{
                 {"init"},
                 {"allocate", "dns", "--protocol", "udp", "--port", "25053"},
                 {"allocate", "ntp-relay", "--protocol", "tcp+udp", "--port", "25123"},
                 {"allocate", "metrics-a", "--pool", "metrics", "--count", "10"},
                 {"allocate", "evil", "--port", "25666", "--notes", k_hostile, "--owner",
                  k_hostile}}) {
            auto r = harmony_ports(args, dir);
            EXPECT_EQ(r.exit_code, 0) << r.err;
        }
        return dir;
    }
    // Every port of 25000-25999 allocated: 10-port blocks, then single ports rotating tcp,
    // udp and tcp+udp. Written directly (registries may hold registered ports).
    fs::path full_registry() {
        const fs::path dir = m_dir.path() / "full";
        fs::create_directories(dir);
        std::string toml = "schema_version = 1\n";
        const char* protocols[] = {"[\"tcp\"]", "[\"udp\"]", "[\"tcp\", \"udp\"]"};
        int n = 0;
        for (int port = 25000; port <= 25999; ++n) {
            const bool block = port < 25200;
            toml += fmt::format("\n[[allocation]]\nname = \"svc-{}\"\n", port);
            toml += block ? fmt::format("ports = \"{}-{}\"\n", port, port + 9)
                          : fmt::format("port = {}\n", port);
            toml += fmt::format("protocols = {}\n", protocols[n % 3]);
            port += block ? 10 : 1;
        }
        write_text(dir / "harmony.network.ports.toml", toml);
        return dir;
    }
    std::string exported(const fs::path& dir, const std::vector<std::string>& args,
                         const std::string& file) {
        std::vector<std::string> all{"export"};
        all.insert(all.end(), args.begin(), args.end());
        all.insert(all.end(), {"--output", (dir / file).string()});
        auto r = harmony_ports(all, dir);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, "");
        return (dir / file).string();
    }
    // Runs a validator in a fresh network namespace (netfilter state is per namespace).
    ProcessResult isolated(std::vector<std::string> argv) {
        argv.insert(argv.begin(), {tool("unshare"), "-n"});
        return run_process(argv, m_dir.path());
    }
    std::vector<fs::path> registries() { return {small_registry(), full_registry()}; }
    TempDir m_dir;
};

}  // namespace

TEST_F(Exports, NftablesPassesNftCheckForEveryRegistryAndScope) {
    for (const auto& dir : registries()) {
        for (const char* scope : {"range", "allocations"}) {
            auto file = exported(dir, {"--format", "nftables", "--scope", scope},
                                 std::string("nft-") + scope);
            auto r = isolated({tool("nft"), "-c", "-f", file});
            EXPECT_EQ(r.exit_code, 0) << dir << " " << scope << "\n" << r.err;
            const std::string text = read_text(file);
            EXPECT_TRUE(contains(text, "define HARMONY_INFRA_PORTS = 25000-25999\n"));
            EXPECT_FALSE(contains(text, "evil}")) << "free text must not reach nftables";
        }
    }
    const std::string small = read_text(m_dir.path() / "small" / "nft-allocations");
    EXPECT_TRUE(contains(small, "25090-25099 comment \"metrics-a\"")) << small;
    EXPECT_TRUE(contains(small, "\t\ttcp dport @allocated_tcp accept\n")) << small;
}

TEST_F(Exports, IptablesAndIp6tablesPassRestoreTest) {
    for (const auto& dir : registries()) {
        for (const char* family : {"iptables", "ip6tables"}) {
            for (const char* scope : {"range", "allocations"}) {
                auto file = exported(dir, {"--format", family, "--scope", scope},
                                     std::string(family) + "-" + scope);
                const std::string restore = std::string(family) + "-restore";
                auto r = isolated({tool(restore.c_str()), "--test", file});
                EXPECT_EQ(r.exit_code, 0) << dir << " " << family << " " << scope << "\n" << r.err;
            }
        }
    }
    // multiport holds 15 ports, a range counting two: no rule may carry more.
    const std::string full = read_text(m_dir.path() / "full" / "iptables-allocations");
    std::size_t rules = 0, at = 0;
    while ((at = full.find("--dports ", at)) != std::string::npos) {
        at += 9;
        const std::string list = full.substr(at, full.find(' ', at) - at);
        int slots = 1 + static_cast<int>(std::count(list.begin(), list.end(), ','));
        slots += static_cast<int>(std::count(list.begin(), list.end(), ':'));
        EXPECT_LE(slots, 15) << list;
        ++rules;
    }
    EXPECT_GT(rules, 60U);
}

TEST_F(Exports, FirewalldAcceptsTheServiceInAScratchConfig) {
    const std::string offline = tool("firewall-offline-cmd");
    for (const auto& dir : registries()) {
        for (const char* scope : {"range", "allocations"}) {
            const fs::path config = dir / (std::string("firewalld-") + scope);
            fs::create_directories(config);
            auto file = exported(dir, {"--format", "firewalld", "--scope", scope},
                                 std::string("HarmonyInfraPorts-") + scope + ".xml");
            auto added =
                run_process({offline, "--system-config=" + config.string(),
                             "--new-service-from-file=" + file, "--name=HarmonyInfraPorts"},
                            dir);
            ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
            auto info = run_process(
                {offline, "--system-config=" + config.string(), "--info-service=HarmonyInfraPorts"},
                dir);
            ASSERT_EQ(info.exit_code, 0) << info.err;
            if (std::string(scope) == "range") {
                EXPECT_TRUE(contains(info.out, "ports: 25000-25999/tcp 25000-25999/udp"))
                    << info.out;
            } else if (dir.filename() == "small") {
                EXPECT_TRUE(contains(info.out, "25090-25099/tcp")) << info.out;
                EXPECT_TRUE(contains(info.out, "25053/udp")) << info.out;
            }
        }
    }
}

TEST_F(Exports, SysctlIsAcceptedByTheKernel) {
    for (const auto& dir : registries()) {
        auto file = exported(dir, {"--format", "sysctl", "--scope", "allocations"}, "sysctl");
        auto r = isolated({"/bin/sh", "-c",
                           tool("sysctl") + " -q -p \"$0\" && cat "
                                            "/proc/sys/net/ipv4/ip_local_reserved_ports",
                           file});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, dir.filename() == "full" ? "25000-25999\n"
                                                  : "25053,25080,25090-25099,25123,25443,25666\n");
    }
}

TEST_F(Exports, HostileNotesCannotInjectIntoAnyFormat) {
    const fs::path dir = small_registry();
    auto formats =
        std::vector<std::string>{"nftables",     "iptables", "ip6tables", "firewalld", "opnsense",
                                 "opnsense-api", "sysctl",   "markdown",  "json"};
    for (const auto& format : formats) {
        auto r = harmony_ports({"export", "--format", format}, dir);
        ASSERT_EQ(r.exit_code, 0) << format << r.err;
        // The raw text never appears; nor does any line of it.
        EXPECT_FALSE(contains(r.out, k_hostile)) << format;
        EXPECT_FALSE(contains(r.out, "\n# drop")) << format;  // no line of it starts a line
        EXPECT_FALSE(contains(r.out, "\" ' ; accept\n")) << format;
        if (format == "json") {
            // Kept, escaped: it parses back to exactly what was stored.
            json j = json::parse(r.out);
            bool found = false;
            for (const auto& a : j["allocations"]) {
                found = found || (a["name"] == "evil" && a["notes"] == k_hostile);
            }
            EXPECT_TRUE(found);
        } else if (format == "markdown") {
            EXPECT_TRUE(contains(r.out, "&lt;script&gt;")) << r.out;  // kept, escaped
        } else {
            EXPECT_FALSE(contains(r.out, "ZZHOSTILE")) << format << ": free text is dropped";
        }
    }
}

// The alias as OPNsense writes it (24.x config.xml, model version 1.0.1): every element, in
// OPNsense's order, empty ones as <x/>, ranges with a colon, entries one per line.
TEST_F(Exports, OpnsenseAliasIsWellFormedAndShapedAsOpnsenseWritesIt) {
    for (const auto& dir : registries()) {
        for (const char* scope : {"range", "allocations"}) {
            auto file = exported(dir, {"--format", "opnsense", "--scope", scope},
                                 std::string("opnsense-") + scope + ".xml");
            auto wellformed = run_process({tool("xmllint"), "--noout", file}, dir);
            EXPECT_EQ(wellformed.exit_code, 0) << wellformed.err;
            auto content = run_process(
                {tool("xmllint"), "--xpath",
                 "string(/OPNsense/Firewall/Alias/aliases/alias[name='HarmonyInfraPorts']/content)",
                 file},
                dir);
            ASSERT_EQ(content.exit_code, 0) << content.err;
            if (std::string(scope) == "range") {
                EXPECT_EQ(content.out, "25000:25999\n");
            } else if (dir.filename() == "small") {
                EXPECT_EQ(content.out, "25053\n25080\n25090:25099\n25123\n25443\n25666\n");
            }
        }
    }
    const std::string xml = read_text(m_dir.path() / "small" / "opnsense-range.xml");
    const std::string body = xml.substr(xml.find("<OPNsense>"));
    EXPECT_EQ(body.substr(0, body.find("<alias uuid=")),
              "<OPNsense>\n  <Firewall>\n    <Alias version=\"1.0.1\">\n      <aliases>\n        ");
    EXPECT_TRUE(contains(body,
                         "<enabled>1</enabled>\n          <name>HarmonyInfraPorts</name>\n"
                         "          <type>port</type>\n          <path_expression/>\n"
                         "          <proto/>\n          <interface/>\n"
                         "          <counters>0</counters>\n          <updatefreq/>\n"
                         "          <content>25000:25999</content>\n          <password/>\n"
                         "          <username/>\n          <authtype/>\n          <categories/>\n"
                         "          <description>Harmony orchestrator ports ADR-014 range "
                         "25000-25999</description>\n"))
        << body;

    auto api = harmony_ports({"export", "--format", "opnsense-api", "--scope", "allocations"},
                             m_dir.path() / "small");
    ASSERT_EQ(api.exit_code, 0) << api.err;
    json j = json::parse(api.out);
    EXPECT_EQ(j["alias"]["name"], "HarmonyInfraPorts");
    EXPECT_EQ(j["alias"]["type"], "port");
    EXPECT_EQ(j["alias"]["enabled"], "1");
    EXPECT_EQ(j["alias"]["content"], "25053\n25080\n25090:25099\n25123\n25443\n25666");
    // OPNsense's description mask: letters, digits, spaces and . - , _ only.
    for (char c : j["alias"]["description"].get<std::string>()) {
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) ||
                    std::string(" .-,_").find(c) != std::string::npos)
            << c;
    }
}

// The chain decides real traffic: in a namespace whose input policy is drop, jumping to
// infra_ports lets connections to an allocated port in, and not to a port outside the
// registry (scope allocations) or outside the range (scope range).
TEST_F(Exports, NftablesChainAcceptsAllocatedPortsAndDropsOthers) {
    const fs::path dir = small_registry();
    for (const char* scope : {"allocations", "range"}) {
        Netns ns;
        auto file = exported(dir, {"--format", "nftables", "--scope", scope},
                             std::string("traffic-") + scope);
        auto load = ns.exec({tool("nft"), "-f", file});
        ASSERT_EQ(load.exit_code, 0) << load.err;
        for (const std::string& command :
             {std::string("add chain inet harmony input { type filter hook input priority 0; "
                          "policy drop; }"),
              std::string("add rule inet harmony input ct state established,related accept"),
              std::string("add rule inet harmony input jump infra_ports")}) {
            auto r = ns.exec({tool("nft"), command});
            ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.err;
        }
        Listeners l(ns, {"tcp4:25080", "tcp4:25700", "tcp4:24000"});
        EXPECT_TRUE(connects(ns, "127.0.0.1", 25080)) << scope;  // ceph-rgw: allocated
        EXPECT_EQ(connects(ns, "127.0.0.1", 25700), std::string(scope) == "range") << scope;
        EXPECT_FALSE(connects(ns, "127.0.0.1", 24000)) << scope;  // outside the range
    }
}

TEST_F(Exports, SameRegistrySameBytesAndScopeErrors) {
    const fs::path dir = small_registry();
    for (const char* format : {"nftables", "iptables", "firewalld", "sysctl", "markdown"}) {
        auto a = harmony_ports({"export", "--format", format}, dir);
        auto b = harmony_ports({"export", "--format", format}, dir);
        EXPECT_EQ(a.out, b.out) << format;
        EXPECT_TRUE(contains(a.out, "(schema 1, digest ")) << format;
    }
    auto scoped = harmony_ports({"export", "--format", "markdown", "--scope", "allocations"}, dir);
    EXPECT_EQ(scoped.exit_code, 2);
    auto unknown = harmony_ports({"export", "--format", "nftable"}, dir);
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_TRUE(contains(unknown.err, "unknown export format 'nftable' (did you mean nftables?)"))
        << unknown.err;
}

namespace {

// The Rust export, checked by the compiler that consumes it: rustc, found by CMake (the tests
// skip without one; CI has /root/.cargo/bin/rustc). Needs no root.
class RustExports : public Exports {
  protected:
    void SetUp() override {
        if (std::string(HARMONY_PORTS_RUSTC).empty()) {
            GTEST_SKIP() << "no rustc found when CMake configured the tests";
        }
    }
    // rustc on `file` as a bare library crate, warnings as errors.
    ProcessResult rustc(const fs::path& file) {
        return run_process({HARMONY_PORTS_RUSTC, "--crate-type", "lib", "--edition", "2021", "-D",
                            "warnings", "--emit", "metadata", "--out-dir",
                            (file.parent_path() / "rustc-out").string(), file.string()},
                           file.parent_path());
    }
};

const std::string k_fleet_toml =
    "[[cluster]]\nname = \"a\"\nkind = \"k3s\"\nservices = [\"ceph-rgw\", \"dns\"]\n"
    "[cluster.ports]\nlegacy-proxy = 8081\n\n"
    "[[cluster]]\nname = \"b.edge\"\nkind = \"k3d\"\nservices = [\"dns\", \"metrics-a\"]\n";

}  // namespace

TEST_F(RustExports, EveryRegistryAndTopologyCompilesWithBareRustc) {
    const std::vector<fs::path> dirs = registries();
    for (const auto& dir : dirs) {
        const fs::path file = exported(dir, {"--format", "rust"}, "ports.rs");
        auto r = rustc(file);
        EXPECT_EQ(r.exit_code, 0) << dir << "\n" << r.err;
        const std::string text = read_text(file);
        EXPECT_FALSE(contains(text, "ZZHOSTILE")) << "free text must not reach Rust";
        EXPECT_TRUE(contains(text, "pub const CEPH_RGW: u16 = 25080;\n") ||
                    contains(text, "pub const SVC_25999: u16 = 25999;\n"))
            << text;
    }
    const fs::path& dir = dirs[0];
    write_text(dir / "fleet.toml", k_fleet_toml);
    const fs::path file =
        exported(dir, {"--format", "rust", "--topology", "fleet.toml"}, "fleet.rs");
    auto r = rustc(file);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const std::string text = read_text(file);
    EXPECT_TRUE(contains(text, "    pub mod in_a {\n")) << text;
    EXPECT_TRUE(contains(text, "    pub mod in_b__edge {\n")) << text;
    EXPECT_TRUE(contains(text,
                         "PortEntry::new(\"metrics-a\", 25090, 25099, PortEntry::TCP)"
                         ".in_cluster(\"b.edge\"),\n"))
        << text;
}

TEST_F(RustExports, AFleetClashIsACompileErrorNamingPortAndServices) {
    const fs::path dir = small_registry();
    write_text(dir / "fleet.toml", k_fleet_toml + "[cluster.ports]\ncache = 25080\n");
    const fs::path file =
        exported(dir, {"--format", "rust", "--topology", "fleet.toml"}, "fleet.rs");
    auto r = rustc(file);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(contains(r.err,
                         "error[E0080]: evaluation panicked: port 25080/tcp is used by both "
                         "ceph-rgw in cluster a and cache in cluster b.edge\n"))
        << r.err;
}

// Only the code exports take a topology; the rest refuse it as before (exit 2).
TEST(ExportTopology, OnlyCppAndRustTakeATopology) {
    TempDir dir;
    ASSERT_EQ(harmony_ports({"init"}, dir.path()).exit_code, 0);
    write_text(dir.path() / "fleet.toml", k_fleet_toml);
    for (const char* format : {"nftables", "json", "markdown"}) {
        auto r =
            harmony_ports({"export", "--format", format, "--topology", "fleet.toml"}, dir.path());
        EXPECT_EQ(r.exit_code, 2) << format;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err,
                  "harmony-ports: error: --topology applies to --format cpp and rust only\n");
    }
    for (const char* format : {"cpp", "rust"}) {
        auto r =
            harmony_ports({"export", "--format", format, "--topology", "fleet.toml"}, dir.path());
        EXPECT_EQ(r.exit_code, 0) << format << ": " << r.err;
        EXPECT_TRUE(contains(r.out, "clusters")) << format;
    }
    auto help = harmony_ports({"export", "--help"}, dir.path());
    EXPECT_TRUE(contains(help.out, "sysctl, cpp, rust, markdown, json")) << help.out;
}
