#include <gtest/gtest.h>

#include <algorithm>

#include <harmony/network/allocator.hpp>
#include <harmony/network/limits.hpp>
#include <harmony/network/registry_file.hpp>

#include "hostile_text.hpp"
#include "unit/parse_error_of.hpp"

using namespace harmony::network;
using harmony::testing::dotted_key;
using harmony::testing::parse_error_of;
using harmony::testing::repeat;

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

namespace {

Expected<Registry> yaml(std::string_view text) {
    return parse_registry(text, RegistryFormat::yaml, "r.yaml", k_adr014_range);
}

}  // namespace

TEST(HostileToml, A40000PartDottedKeyIsAParseErrorNotAStackOverflow) {
    const std::string key = dotted_key(40000);
    EXPECT_EQ(parse_error_of(toml(key + " = 1\n")),
              "harmony.network.ports.toml:1:1: a dotted key of more than 64 parts");
    EXPECT_EQ(parse_error_of(toml("schema_version = 1\n[" + key + "]\n")),
              "harmony.network.ports.toml:2:2: a dotted key of more than 64 parts");
    EXPECT_EQ(parse_error_of(toml("[[" + key + "]]\n")),
              "harmony.network.ports.toml:1:3: a dotted key of more than 64 parts");
    EXPECT_EQ(parse_error_of(toml("x = { " + key + " = 1 }\n")),
              "harmony.network.ports.toml:1:7: a dotted key of more than 64 parts");
    // Quoted parts count too; dots inside quotes do not.
    EXPECT_EQ(parse_error_of(toml("\"a\"" + repeat(". \"b\"", 64) + " = 1\n")),
              "harmony.network.ports.toml:1:1: a dotted key of more than 64 parts");
    auto quoted = toml("\"" + repeat("a.", 100) + "\" = 1\n");
    ASSERT_FALSE(quoted);
    EXPECT_EQ(quoted.error().code, ErrorCode::invalid_registry) << quoted.error().message;
}

TEST(HostileToml, SixtyFourPartsAndSixtyFourLevelsAreStillRead) {
    // At the limit the file parses; only the content model refuses the unknown key.
    auto parts = toml(dotted_key(64) + " = 1\n");
    ASSERT_FALSE(parts);
    EXPECT_EQ(parts.error().code, ErrorCode::invalid_registry) << parts.error().message;
    // The root table is level 1: 63 nested arrays below it are 64 levels.
    auto arrays = toml("a = " + repeat("[", 63) + repeat("]", 63) + "\n");
    ASSERT_FALSE(arrays);
    EXPECT_EQ(arrays.error().code, ErrorCode::invalid_registry) << arrays.error().message;
}

TEST(HostileToml, DeeplyNestedArraysAndInlineTablesAreParseErrors) {
    EXPECT_EQ(parse_error_of(toml("a = " + repeat("[", 100000) + "\n")),
              "harmony.network.ports.toml:1:69: nested deeper than 64 levels");
    EXPECT_EQ(parse_error_of(toml("a = " + repeat("{b = ", 100000) + "\n")),
              "harmony.network.ports.toml:1:325: nested deeper than 64 levels");
    // Brackets inside strings and comments are text.
    auto text = toml("a = \"" + repeat("[", 1000) + "\" # " + repeat("{", 1000) + "\n");
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().code, ErrorCode::invalid_registry) << text.error().message;
    // 64 levels exactly: the root, then 63 arrays.
    EXPECT_EQ(parse_error_of(toml("a = " + repeat("[", 64) + repeat("]", 64) + "\n")),
              "harmony.network.ports.toml:1:68: nested deeper than 64 levels");
}

TEST(HostileToml, DepthAddsUpAcrossHeadersKeysAndBrackets) {
    // Each part is within its own limit; together they nest 1 + 40 + 30 levels.
    const std::string text = "[" + dotted_key(40, "t") + "]\n" + dotted_key(30, "k") + " = 1\n";
    EXPECT_EQ(parse_error_of(toml(text)),
              "harmony.network.ports.toml:2:47: nested deeper than 64 levels");
}

TEST(HostileYaml, DeeplyNestedFlowAndBlockCollectionsAreParseErrors) {
    EXPECT_EQ(parse_error_of(yaml(repeat("[", 65) + repeat("]", 65) + "\n")),
              "r.yaml:1:65: nested deeper than 64 levels");
    EXPECT_EQ(parse_error_of(yaml(repeat("{a: ", 65) + "1" + repeat("}", 65) + "\n")),
              "r.yaml:1:257: nested deeper than 64 levels");
    EXPECT_EQ(parse_error_of(yaml(repeat("- ", 65) + "x\n")),
              "r.yaml:1:129: nested deeper than 64 levels");
    std::string block;
    for (int i = 0; i < 100; ++i) {
        block += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
    }
    EXPECT_EQ(parse_error_of(yaml(block)), "r.yaml:65:65: nested deeper than 64 levels");
    // Unclosed, yaml-cpp reads "[[" as a map and a sequence per bracket: still refused early.
    EXPECT_EQ(parse_error_of(yaml(repeat("[", 100000))),
              "r.yaml:1:33: nested deeper than 64 levels");
    // 64 levels parse; the content model then wants a table at the top.
    auto deep = yaml(repeat("[", 64) + repeat("]", 64) + "\n");
    ASSERT_FALSE(deep);
    EXPECT_EQ(deep.error().code, ErrorCode::invalid_registry);
    EXPECT_EQ(deep.error().message, "r.yaml:1:1: the registry must be a table of keys");
}

TEST(HostileInput, InputsAboveTheSizeCapAreRefusedBeforeParsing) {
    const std::string big(k_max_input_bytes + 1, '#');
    const std::string message = ": is larger than 64 MiB, the most any input may hold";
    EXPECT_EQ(parse_error_of(toml(big)), std::string(k_file) + message);
    EXPECT_EQ(parse_error_of(yaml(big)), "r.yaml" + message);
    auto config = parse_harmony_config(big, "harmony.toml");
    ASSERT_FALSE(config);
    EXPECT_EQ(config.error().code, ErrorCode::parse_error);
    EXPECT_EQ(config.error().message, "harmony.toml" + message);
    // At the cap the text is parsed (a comment: an empty registry).
    EXPECT_TRUE(toml(std::string_view(big).substr(1)));
}

TEST(HarmonyConfig, ADeeplyDottedKeyIsAParseError) {
    auto r = parse_harmony_config("harmony" + dotted_key(40000, "") + " = 1\n", "harmony.toml");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::parse_error);
    EXPECT_EQ(r.error().message, "harmony.toml:1:1: a dotted key of more than 64 parts");
}

TEST(RegistryYaml, ARootThatIsNotAMapIsAnError) {
    // Once accepted as an empty registry, so the next write replaced the file.
    for (const char* text : {"[1]\n", "- a\n", "just text\n"}) {
        auto r = yaml(text);
        ASSERT_FALSE(r) << text;
        EXPECT_EQ(r.error().code, ErrorCode::invalid_registry);
        EXPECT_EQ(r.error().message, "r.yaml:1:1: the registry must be a table of keys");
    }
}
