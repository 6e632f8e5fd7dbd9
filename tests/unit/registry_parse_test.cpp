#include <gtest/gtest.h>

#include <algorithm>

#include <harmony/network/allocator.hpp>
#include <harmony/network/registry_file.hpp>

using namespace harmony::network;

namespace {

constexpr std::string_view k_file = "harmony.network.ports.toml";

Expected<Registry> toml(std::string_view text) {
    return parse_registry(text, RegistryFormat::toml, k_file, k_adr014_range);
}

}  // namespace

TEST(RegistryToml, CanonicalRenderRoundTripsExactly) {
    PortAllocator a(adr014_default_registry());
    AllocateOptions o;
    o.owner = "team \"storage\"";
    o.notes = "line one\nline two\twith tab; $HOME # } <b>";
    o.process = "ntfy";
    o.protocols = Protocols::tcp_udp;
    ASSERT_TRUE(a.allocate("ntfy", o));
    ASSERT_TRUE(a.release("internal-https"));
    for (auto format : {RegistryFormat::toml, RegistryFormat::yaml}) {
        std::string text = render_registry(a.registry(), format);
        auto back = parse_registry(text, format, "f", k_adr014_range);
        ASSERT_TRUE(back) << back.error().message << "\n" << text;
        EXPECT_EQ(render_registry(*back, format), text);
        ASSERT_NE(back->allocations.size(), 0U);
        auto ntfy = std::find_if(back->allocations.begin(), back->allocations.end(),
                                 [](const Allocation& x) { return x.name == "ntfy"; });
        EXPECT_EQ(ntfy->notes, *o.notes);
        EXPECT_EQ(ntfy->owner, *o.owner);
        EXPECT_EQ(ntfy->protocols, Protocols::tcp_udp);
        EXPECT_EQ(back->released.size(), 1U);
    }
}

TEST(RegistryToml, WritesEntriesInPortOrderWhateverTheInputOrder) {
    auto r = toml(R"(
[[allocation]]
name = "b"
port = 25300

[[allocation]]
name = "a"
port = 25200
)");
    ASSERT_TRUE(r) << r.error().message;
    std::string text = render_registry(*r, RegistryFormat::toml);
    EXPECT_LT(text.find("name = \"a\""), text.find("name = \"b\""));
}

TEST(RegistryToml, ReportsDuplicatePortWithPositionAndBothNames) {
    auto r = toml(R"(schema_version = 1

[[allocation]]
name = "ceph-rgw"
port = 25080

[[allocation]]
name = "ntfy"
port = 25080
)");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_registry);
    EXPECT_EQ(r.error().message,
              "harmony.network.ports.toml:7:1: duplicate port 25080/tcp (ceph-rgw, ntfy)");
}

TEST(RegistryToml, ReportsEveryProblemNotJustTheFirst) {
    auto r = toml(R"(
[[allocation]]
name = "Bad"
port = 25001

[[allocation]]
name = "ok"
port = 25002
colour = "red"

[[allocation]]
name = "far"
port = 8080
)");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "harmony.network.ports.toml:3:8: invalid service name 'Bad': upper case is not "
              "allowed (use a-z, 0-9, '-', '.')\n"
              "harmony.network.ports.toml:9:1: unknown key 'colour' in an allocation (expected: "
              "name, port, ports, protocols, pool, owner, notes, process)");
}

TEST(RegistryToml, ConflictsAreAllCollectedLeniently) {
    auto r = parse_registry_lenient(R"(
[[pool]]
name = "a"
ports = "25100-25200"

[[pool]]
name = "b"
ports = "25150-25250"

[[allocation]]
name = "far"
port = 8080

[[allocation]]
name = "far"
port = 25400

[[allocation]]
name = "inpool"
port = 25120
)",
                                    RegistryFormat::toml, k_file, k_adr014_range);
    ASSERT_TRUE(r) << r.error().message;
    std::vector<std::string> codes;
    for (const auto& f : r->problems) {
        codes.push_back(f.code);
    }
    EXPECT_EQ(codes, (std::vector<std::string>{"pool-overlap", "outside-range", "duplicate-name",
                                               "outside-pool"}));
    EXPECT_EQ(r->problems[1].message,
              "harmony.network.ports.toml:10:1: far 8080/tcp is outside the range 25000-25999");
}

TEST(RegistryToml, SyntaxErrorsCarryLineAndColumn) {
    auto r = toml("[[allocation]]\nname = \"x\nport = 1\n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::parse_error);
    EXPECT_EQ(r.error().message.rfind("harmony.network.ports.toml:2:", 0), 0U) << r.error().message;
}

TEST(RegistryToml, RejectsBadValuesWithTheirPositions) {
    auto r =
        toml("[[allocation]]\nname = \"x\"\nports = \"25999-25000\"\nprotocols = [\"sctp\"]\n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "harmony.network.ports.toml:3:9: invalid port range '25999-25000': first port "
              "25999 is above last port 25000\n"
              "harmony.network.ports.toml:4:14: unknown protocol 'sctp' (expected tcp or udp)");
    auto v = toml("schema_version = 2\n");
    ASSERT_FALSE(v);
    EXPECT_EQ(v.error().message,
              "harmony.network.ports.toml:1:18: unsupported schema_version 2 (this harmony-ports "
              "reads version 1)");
}

TEST(RegistryYaml, SameContentModelAndMessages) {
    auto r = parse_registry(R"(schema_version: 1
allocation:
  - name: ceph-rgw
    port: 25080
    protocols: [tcp, udp]
  - name: ntfy
    port: 25080
    protocols: [udp]
)",
                            RegistryFormat::yaml, "ports.yaml", k_adr014_range);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "ports.yaml:6:5: duplicate port 25080/udp (ceph-rgw, ntfy)");

    auto ok = parse_registry("allocation:\n  - name: a\n    ports: \"25100-25103\"\n",
                             RegistryFormat::yaml, "ports.yaml", k_adr014_range);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->allocations[0].ports, (PortRange{25100, 25103}));
}

TEST(RegistryYaml, MalformedInputIsAParseErrorWithPosition) {
    auto r = parse_registry("allocation:\n  - name: [unclosed\n", RegistryFormat::yaml,
                            "ports.yaml", k_adr014_range);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::parse_error);
    EXPECT_EQ(r.error().message.rfind("ports.yaml:", 0), 0U) << r.error().message;
    auto dup = parse_registry("schema_version: 1\nschema_version: 1\n", RegistryFormat::yaml,
                              "ports.yaml", k_adr014_range);
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().message, "ports.yaml:2:1: duplicate key 'schema_version'");
}

TEST(HarmonyConfig, ReadsTheOrchestratorRange) {
    EXPECT_EQ(parse_harmony_config("[harmony.network.defaults]\norchestrator_port_range = "
                                   "\"26000-26999\"\n",
                                   "harmony.toml")
                  .value(),
              (PortRange{26000, 26999}));
    EXPECT_EQ(parse_harmony_config("[other]\nx = 1\n", "harmony.toml").value(), k_adr014_range);
    auto bad = parse_harmony_config(
        "[harmony.network.defaults]\norchestrator_port_range = \"70000\"\n", "harmony.toml");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message,
              "harmony.toml:2:27: invalid port range '70000': 70000 is above 65535");
}

TEST(RegistryYaml, InputsThatOnceHungOrExplodedFailFast) {
    // yaml-cpp 0.7's LoadAll loops forever on ",": now an ordinary error.
    auto comma = parse_registry(",", RegistryFormat::yaml, "r.yaml", k_adr014_range);
    ASSERT_FALSE(comma);
    EXPECT_EQ(comma.error().code, ErrorCode::parse_error);
    // Aliases could expand a few hundred bytes into 10^9 nodes: refused at the first alias.
    std::string bomb = "a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n";
    for (int i = 1; i < 9; ++i) {
        bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int k = 0; k < 10; ++k) {
            bomb += (k ? ",*a" : "*a") + std::to_string(i - 1);
        }
        bomb += "]\n";
    }
    auto r = parse_registry(bomb, RegistryFormat::yaml, "r.yaml", k_adr014_range);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "r.yaml:2:10: YAML aliases (*name) are not allowed in a registry");
}

TEST(RegistryRender, CanonicalTextDependsOnContentNotInputOrder) {
    // Entries equal in port, protocol and name but not in other fields (a lenient load can
    // hold them) must still sort the same way whatever order they arrive in.
    Registry a;
    for (int i = 0; i < 40; ++i) {
        Released r{"old",
                   {25001, 25001},
                   Protocols::tcp,
                   TimePoint{std::chrono::seconds{i}},
                   TimePoint{std::chrono::seconds{1000}},
                   {}};
        a.released.push_back(r);
    }
    Registry b = a;
    std::reverse(b.released.begin(), b.released.end());
    std::rotate(b.released.begin(), b.released.begin() + 7, b.released.end());
    EXPECT_EQ(render_registry(a, RegistryFormat::toml), render_registry(b, RegistryFormat::toml));
}
