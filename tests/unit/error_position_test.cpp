// Errors own their input position (issue 13): the message text is unchanged and the position
// is data, for every reader; one name's entries are looked up with a did-you-mean.
#include <gtest/gtest.h>

#include <harmony/network/export.hpp>
#include <harmony/network/kube.hpp>
#include <harmony/network/registry_file.hpp>
#include <harmony/network/registry_lookup.hpp>
#include <harmony/network/topology.hpp>

using namespace harmony::network;

namespace {

// "FILE:LINE:COL" of an error's position, "-" without one; and its message must start so.
std::string position_of(const Error& error) {
    if (!error.position) {
        return "-";
    }
    const auto& p = *error.position;
    std::string where = p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    EXPECT_EQ(error.message.rfind(where + ": ", 0), 0U) << error.message;
    return where;
}

}  // namespace

TEST(ErrorPosition, ErrorAtWritesThePositionIntoTheMessageAndKeepsIt) {
    const Error e = error_at(ErrorCode::parse_error, {"f.toml", 3, 5}, "bad");
    EXPECT_EQ(e.message, "f.toml:3:5: bad");
    EXPECT_EQ(position_of(e), "f.toml:3:5");
    const Error unknown = error_at(ErrorCode::parse_error, {"f.toml", 0, 0}, "bad");
    EXPECT_EQ(unknown.message, "f.toml: bad");
    EXPECT_FALSE(unknown.position);
}

TEST(ErrorPosition, EveryReaderSetsIt) {
    auto toml = parse_registry("[[allocation]\n", RegistryFormat::toml, "r.toml", k_adr014_range);
    ASSERT_FALSE(toml);
    EXPECT_EQ(position_of(toml.error()).rfind("r.toml:1:", 0), 0U);
    auto yaml = parse_registry("allocation:\n  - name: [\n", RegistryFormat::yaml, "r.yaml",
                               k_adr014_range);
    ASSERT_FALSE(yaml);
    EXPECT_EQ(position_of(yaml.error()).rfind("r.yaml:", 0), 0U) << yaml.error().message;
    auto content = parse_registry("\n[[allocation]]\nname = \"Bad_Name\"\nport = 25100\n",
                                  RegistryFormat::toml, "r.toml", k_adr014_range);
    ASSERT_FALSE(content);
    EXPECT_EQ(content.error().code, ErrorCode::invalid_registry);
    EXPECT_EQ(position_of(content.error()).rfind("r.toml:3:", 0), 0U) << content.error().message;
    auto marker = parse_registry("<<<<<<< ours\n", RegistryFormat::toml, "r.toml", k_adr014_range);
    ASSERT_FALSE(marker);
    EXPECT_EQ(position_of(marker.error()), "r.toml:1:1");
    auto kube = parse_kube_objects("{\n  \"items\": [}\n", "<stdin>");
    ASSERT_FALSE(kube);
    EXPECT_EQ(position_of(kube.error()).rfind("<stdin>:2:", 0), 0U) << kube.error().message;
    auto topology = parse_topology("[[cluster]]\nkind = \"okd\"\n", "t.toml");
    ASSERT_FALSE(topology);
    EXPECT_EQ(position_of(topology.error()).rfind("t.toml:1:", 0), 0U) << topology.error().message;
}

TEST(NamedEntries, AnUnknownNameIsNotFoundWithTheClosestName) {
    Registry r = adr014_default_registry();
    auto found = find_named_entries(r, "ceph-rgw", "reg");
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->allocation);
    EXPECT_EQ(found->allocation->ports.first, 25080);
    auto missing = find_named_entries(r, "ceph-rgx", "reg");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    EXPECT_EQ(missing.error().message,
              "no allocation named 'ceph-rgx' in reg (did you mean ceph-rgw?)");
}

TEST(NamedEntries, AQuarantinedNameHasNoAllocationButItsEntries) {
    Registry r = adr014_default_registry();
    r.released.push_back(Released{"old", PortRange{25100, 25100}, Protocols::udp, {}, {}, {}});
    auto found = find_named_entries(r, "old", "reg");
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->allocation);
    ASSERT_EQ(found->quarantine.size(), 1U);
    EXPECT_EQ(released_json(found->quarantine[0]),
              R"({"name":"old","first":25100,"last":25100,"protocols":["udp"],)"
              R"("released":"1970-01-01T00:00:00Z","until":"1970-01-01T00:00:00Z"})");
}
