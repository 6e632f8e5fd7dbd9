// Topology reading and checking, kubectl JSON reading, "did you mean", and the names the C++
// export gives services.
#include <gtest/gtest.h>

#include "hostile_text.hpp"
#include "unit/finding_codes.hpp"
#include "unit/parse_error_of.hpp"

#include <harmony/network/allocator.hpp>
#include <harmony/network/export.hpp>
#include <harmony/network/kube.hpp>
#include <harmony/network/limits.hpp>
#include <harmony/network/topology.hpp>

#include "util/did_you_mean.hpp"

using namespace harmony::network;
using harmony::testing::codes;
using harmony::testing::parse_error_of;
using harmony::testing::repeat;

namespace {

Topology parse(const std::string& text) {
    auto t = parse_topology(text, "t.toml");
    EXPECT_TRUE(t) << (t ? "" : t.error().message);
    return t ? *t : Topology{};
}

}  // namespace

TEST(Topology, ReadsClustersWithDefaultsAndLocalPorts) {
    Topology t = parse(
        "[[cluster]]\nname = \"a\"\nkind = \"okd\"\nhosts = [\"n1\"]\nservices = [\"ceph-rgw\"]\n"
        "[cluster.ports]\nblock = \"25700-25709\"\nsyslog = { port = 5514, protocols = "
        "[\"udp\"] }\n\n[[cluster]]\nname = \"m\"\nkind = \"bare-metal\"\n");
    ASSERT_EQ(t.clusters.size(), 2U);
    EXPECT_EQ(t.clusters[0].nodeport_range, (PortRange{30000, 32767}));  // Kubernetes default
    EXPECT_FALSE(t.clusters[1].nodeport_range);                          // bare metal: none
    ASSERT_EQ(t.clusters[0].ports.size(), 2U);
    EXPECT_EQ(t.clusters[0].ports[0].ports, (PortRange{25700, 25709}));
    EXPECT_EQ(t.clusters[0].ports[1].protocols, Protocols::udp);
    EXPECT_EQ(t.clusters[0].services[0].where.line, 5);
}

TEST(Topology, DuplicateClustersAndBadPortsAreErrors) {
    auto t = parse_topology(
        "[[cluster]]\nname = \"a\"\nkind = \"k3s\"\n[cluster.ports]\nx = 70000\ny = { protocols "
        "= [\"sctp\"] }\n[[cluster]]\nname = \"a\"\nkind = \"k3s\"\n",
        "t.toml");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().message,
              "t.toml:5:5: x: expected a port 1-65535 or a range \"A-B\"\n"
              "t.toml:6:5: y needs a port\n"
              "t.toml:6:19: protocols must be [\"tcp\"], [\"udp\"] or [\"tcp\", \"udp\"]\n"
              "t.toml:7:1: duplicate cluster name 'a'");
}

TEST(Topology, ProtocolsKeepTcpAndUdpApart) {
    PortAllocator a(adr014_default_registry());
    AllocateOptions dns;
    dns.port = 25053;
    dns.protocols = Protocols::udp;
    ASSERT_TRUE(a.allocate("dns", dns));
    // A local TCP port on dns's UDP port is no conflict; a UDP one is.
    Topology ok = parse(
        "[[cluster]]\nname = \"a\"\nkind = \"k3s\"\nservices = [\"dns\"]\n[cluster.ports]\n"
        "web = 25053\n");
    EXPECT_TRUE(check_topology(a.registry(), ok, "t.toml").empty());
    Topology clash = parse(
        "[[cluster]]\nname = \"a\"\nkind = \"k3s\"\nservices = [\"dns\"]\n[cluster.ports]\n"
        "resolver = { port = 25053, protocols = [\"udp\"] }\n");
    EXPECT_EQ(codes(check_topology(a.registry(), clash, "t.toml")),
              (std::vector<std::string>{"override-collides"}));
}

TEST(Topology, BlocksReusedAcrossClustersAreReportedOncePerPair) {
    Topology t = parse(
        "[[cluster]]\nname = \"a\"\nkind = \"k3s\"\n[cluster.ports]\nx = \"25700-25709\"\n"
        "[[cluster]]\nname = \"b\"\nkind = \"k3s\"\n[cluster.ports]\ny = \"25705-25714\"\n");
    auto f = check_topology(adr014_default_registry(), t, "t.toml");
    ASSERT_EQ(codes(f), (std::vector<std::string>{"topology-port-reuse"}));
    EXPECT_EQ(f[0].cluster, "b");
    EXPECT_EQ(f[0].ports, (PortRange{25705, 25705}));
}

TEST(CppExport, IdentifiersAreDistinctForDistinctNames) {
    EXPECT_EQ(cpp_identifier("ceph-rgw"), "k_ceph_rgw");
    EXPECT_EQ(cpp_identifier("a.b"), "k_aDb");
    EXPECT_NE(cpp_identifier("a.b"), cpp_identifier("a-b"));
    EXPECT_NE(cpp_identifier("a--b"), cpp_identifier("a.b"));
    EXPECT_EQ(cpp_identifier("9p"), "k_9p");  // the prefix keeps leading digits valid
}

TEST(Kube, NodePortsAndHostPortsOutsideTheRangeAreIgnored) {
    auto ports = parse_kube_objects(
        R"({"kind":"List","items":[{"kind":"Service","metadata":{"name":"s"},"spec":{"ports":[)"
        R"({"nodePort":31000},{"nodePort":25001,"protocol":"UDP"}]}},{"kind":"ConfigMap"}]})",
        "k.json");
    ASSERT_TRUE(ports) << ports.error().message;
    ASSERT_EQ(ports->size(), 2U);
    auto f = check_kube(adr014_default_registry(), *ports);
    ASSERT_EQ(codes(f), (std::vector<std::string>{"nodeport-in-range"}));
    EXPECT_EQ(f[0].ports, (PortRange{25001, 25001}));
    EXPECT_NE(f[0].message.find("25001/udp"), std::string::npos);
}

namespace {

std::string topology_error(const std::string& text) {
    return parse_error_of(parse_topology(text, "t.toml"));
}

std::string kube_error(const std::string& text) {
    return parse_error_of(parse_kube_objects(text, "k.json"));
}

// A Pod with one container port whose hostPort is `number`, as kubectl would print it.
std::string pod_with_host_port(std::string_view number) {
    return std::string(R"({"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[)") +
           R"({"name":"c","ports":[{"hostPort": )" + std::string(number) + "}]}]}}";
}

}  // namespace

TEST(Topology, HostileStructureIsAParseErrorWithAPosition) {
    EXPECT_EQ(topology_error("[[cluster]]\nname = \"a\"\n" + std::string("x") +
                             repeat(".a", 39999) + " = 1\n"),
              "t.toml:3:1: a dotted key of more than 64 parts");
    EXPECT_EQ(topology_error("[[cluster]]\nservices = " + repeat("[", 100000) + "\n"),
              "t.toml:2:76: nested deeper than 64 levels");
    EXPECT_EQ(topology_error("[[cluster]]\nports = " + repeat("{a = ", 100000) + "\n"),
              "t.toml:2:329: nested deeper than 64 levels");
    EXPECT_EQ(topology_error(std::string(k_max_input_bytes + 1, '\n')),
              "t.toml: is larger than 64 MiB, the most any input may hold");
}

TEST(Topology, OnlyTheFirstTwentyUnknownNamesGetASuggestion) {
    Registry r;
    Allocation a;
    a.name = "abcdefghijklmnop";
    a.ports = PortRange{25001, 25001};
    r.allocations.push_back(a);
    // 21 distinct names one letter away from it ("0bcd...", ..., "9bcd...", "a0cd...", ...,
    // "ab0defghijklmnop"), then the first one again.
    auto typo = [&](int i) {
        std::string name = a.name;
        name[static_cast<std::size_t>(i / 10)] = static_cast<char>('0' + i % 10);
        return name;
    };
    std::string text = "[[cluster]]\nname = \"c\"\nkind = \"k3s\"\nservices = [";
    // Appended piecewise: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + string.
    for (int i = 0; i < 21; ++i) {
        text += '"';
        text += typo(i);
        text += "\", ";
    }
    text += '"';
    text += typo(0);
    text += "\"]\nnodeport_range = \"30000-32767\"\n";
    const auto findings = check_topology(r, parse(text), "t.toml");
    ASSERT_EQ(findings.size(), 22U);
    EXPECT_EQ(findings[0].message,
              "t.toml:4:13: cluster c runs '0bcdefghijklmnop', which is not in the registry (did "
              "you mean abcdefghijklmnop?)");
    for (std::size_t i = 0; i < 20; ++i) {
        EXPECT_NE(findings[i].message.find("(did you mean abcdefghijklmnop?)"), std::string::npos)
            << findings[i].message;
    }
    EXPECT_EQ(findings[20].message,
              "t.toml:4:413: cluster c runs 'ab0defghijklmnop', which is not in the registry");
    // A name seen before keeps its suggestion.
    EXPECT_EQ(findings[21].message,
              "t.toml:4:433: cluster c runs '0bcdefghijklmnop', which is not in the registry (did "
              "you mean abcdefghijklmnop?)");
}

TEST(DidYouMean, TheBoundedDistanceStopsAtItsLimit) {
    using harmony::util::bounded_edit_distance;
    EXPECT_EQ(harmony::util::edit_distance("kitten", "sitting"), 3U);
    EXPECT_EQ(bounded_edit_distance("kitten", "sitting", 3), 3U);
    EXPECT_EQ(bounded_edit_distance("kitten", "sitting", 2), 3U);  // limit + 1
    EXPECT_EQ(bounded_edit_distance("a", "abcdef", 2), 3U);
    EXPECT_EQ(bounded_edit_distance("", "", 0), 0U);
    const std::vector<std::string> names = {"ntfy", "nfty", "ntfy2"};
    EXPECT_EQ(harmony::util::closest_match("ntf", names), "ntfy");
    EXPECT_EQ(harmony::util::closest_match("zzzz", names), "");
}

TEST(Kube, DeepNestingAndNumbersOutOfRangeAreParseErrorsWithAPosition) {
    EXPECT_EQ(kube_error(repeat("{\"a\":", 100000)), "k.json:1:321: nested deeper than 64 levels");
    EXPECT_EQ(kube_error(repeat("[", 65) + repeat("]", 65)),
              "k.json:1:65: nested deeper than 64 levels");
    EXPECT_EQ(kube_error(pod_with_host_port("1e400")), "k.json:1:95: number 1e400 is out of range");
    EXPECT_EQ(kube_error(pod_with_host_port("99999999999999999999999")),
              "k.json:1:95: number 99999999999999999999999 is out of range");
    EXPECT_EQ(kube_error(pod_with_host_port("-9223372036854775809")),
              "k.json:1:95: number -9223372036854775809 is out of range");
    // Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + string.
    std::string cut = "k.json:2:20: number 1";
    cut.append(36, '0');
    cut += "... is out of range";
    EXPECT_EQ(
        kube_error("{\"kind\": \"List\",\n \"items\": [], \"n\": 1" + std::string(400, '0') + "}"),
        cut);
    // Strings are text, the limits of int64 and double are fine, and 64 levels are read.
    EXPECT_TRUE(parse_kube_objects(R"({"kind":"Pod","x":"1e400 [[[[","spec":{}})", "k.json"));
    EXPECT_TRUE(parse_kube_objects(pod_with_host_port("9223372036854775807"), "k.json"));
    EXPECT_TRUE(parse_kube_objects(pod_with_host_port("1.5e308"), "k.json"));
    auto levels = parse_kube_objects(repeat("[", 64) + repeat("]", 64), "k.json");
    ASSERT_FALSE(levels);
    EXPECT_EQ(levels.error().message, "k.json: expected Kubernetes objects");
    EXPECT_EQ(kube_error(std::string(k_max_input_bytes + 1, ' ')),
              "k.json: is larger than 64 MiB, the most any input may hold");
}
