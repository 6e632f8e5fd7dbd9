// Topology reading and checking, and the names the C++ export gives services.
#include <gtest/gtest.h>

#include "unit/finding_codes.hpp"

#include <harmony/network/allocator.hpp>
#include <harmony/network/export.hpp>
#include <harmony/network/kube.hpp>
#include <harmony/network/topology.hpp>

using namespace harmony::network;
using harmony::testing::codes;

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
