#include <gtest/gtest.h>

#include <map>
#include <set>

#include <harmony/network/allocator.hpp>
#include <harmony/network/known_ports.hpp>

using namespace harmony::network;
using namespace std::chrono_literals;

namespace {

PortAllocator adr_allocator() {
    return PortAllocator(adr014_default_registry());
}

TimePoint at(int day) {
    return TimePoint{std::chrono::sys_days{2026y / 1 / 1}} + std::chrono::days{day};
}

}  // namespace

TEST(Allocator, SameNameSamePortWhicheverClusterAsksFirst) {
    const std::vector<std::string> names{"ntfy", "grafana", "loki", "ceph-mgr", "vault"};
    PortAllocator a = adr_allocator();
    PortAllocator b = adr_allocator();
    std::map<std::string, PortRange> first;
    for (const auto& n : names) {
        first[n] = a.allocate(n).value();
    }
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
        EXPECT_EQ(b.allocate(*it).value(), first[*it]) << *it;
    }
}

TEST(Allocator, IsIdempotent) {
    PortAllocator a = adr_allocator();
    auto p = a.allocate("ntfy").value();
    EXPECT_EQ(a.allocate("ntfy").value(), p);
    EXPECT_EQ(a.registry().allocations.size(), 3U);
    // The ADR's pinned entries come back unchanged, too.
    EXPECT_EQ(a.allocate("ceph-rgw").value(), (PortRange{25080, 25080}));
}

TEST(Allocator, ExplicitContradictionOfAnExistingAllocationIsAConflict) {
    PortAllocator a = adr_allocator();
    AllocateOptions udp;
    udp.protocols = Protocols::udp;
    auto r = a.allocate("ceph-rgw", udp);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::conflict);
    EXPECT_EQ(r.error().message,
              "ceph-rgw already holds 25080/tcp in the default pool; release it first to change "
              "its protocols");
}

TEST(Allocator, DefaultPoolSkipsNamedPoolsAndRegisteredPorts) {
    PortAllocator a = adr_allocator();
    for (int i = 0; i < 300; ++i) {
        auto p = a.allocate("svc-" + std::to_string(i)).value();
        EXPECT_FALSE((PortRange{25090, 25099}).contains(p.first));
        EXPECT_FALSE((PortRange{25500, 25519}).contains(p.first));
        EXPECT_FALSE((PortRange{25550, 25599}).contains(p.first));
        EXPECT_FALSE(is_registered_or_known(p.first)) << p.first;
    }
}

TEST(Allocator, NamedPoolIsUsedOnlyOnRequest) {
    PortAllocator a = adr_allocator();
    AllocateOptions metrics;
    metrics.pool = "metrics";
    std::set<Port> seen;
    for (int i = 0; i < 10; ++i) {
        auto p = a.allocate("exporter-" + std::to_string(i), metrics).value();
        EXPECT_TRUE((PortRange{25090, 25099}).contains(p.first));
        seen.insert(p.first);
    }
    EXPECT_EQ(seen.size(), 10U);
    auto full = a.allocate("exporter-10", metrics);
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error().code, ErrorCode::exhausted);
    EXPECT_EQ(full.error().message,
              "no free tcp port for exporter-10 in pool metrics (25090-25099)");
}

TEST(Allocator, UnknownPoolSuggestsTheClosestName) {
    PortAllocator a = adr_allocator();
    AllocateOptions o;
    o.pool = "metric";
    auto r = a.allocate("x", o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
    EXPECT_EQ(r.error().message, "unknown pool 'metric' for x (did you mean metrics?)");
}

TEST(Allocator, PinsAPortAndRefusesATakenOne) {
    PortAllocator a = adr_allocator();
    AllocateOptions pin;
    pin.port = 25081;
    EXPECT_EQ(a.allocate("legacy-proxy", pin).value(), (PortRange{25081, 25081}));
    pin.port = 25080;
    auto r = a.allocate("other", pin);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::conflict);
    EXPECT_EQ(r.error().message,
              "cannot pin other to 25080/tcp: port 25080 is already allocated to ceph-rgw");
}

TEST(Allocator, PinOutsideTheRangeIsInvalid) {
    PortAllocator a = adr_allocator();
    AllocateOptions pin;
    pin.port = 8080;
    auto r = a.allocate("web", pin);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(r.error().message, "cannot pin web to 8080: outside the range 25000-25999");
}

TEST(Allocator, ReservedPoolRefusesPinsThatDoNotNameIt) {
    PortAllocator a = adr_allocator();
    AllocateOptions pin;
    pin.port = 25560;
    auto r = a.allocate("score", pin);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::conflict);
    pin.pool = "future-scores";
    EXPECT_EQ(a.allocate("score", pin).value(), (PortRange{25560, 25560}));
    EXPECT_EQ(a.find("score")->pool, "future-scores");
}

TEST(Allocator, PinInsideAnOrdinaryPoolRecordsThatPool) {
    PortAllocator a = adr_allocator();
    AllocateOptions pin;
    pin.port = 25095;
    ASSERT_TRUE(a.allocate("node-exporter", pin));
    EXPECT_EQ(a.find("node-exporter")->pool, "metrics");
}

TEST(Allocator, TcpAndUdpShareAPortNumberWithoutConflict) {
    PortAllocator a(25000, 25999);
    AllocateOptions pin;
    pin.port = 25300;
    ASSERT_TRUE(a.allocate("web", pin));
    pin.protocols = Protocols::udp;
    EXPECT_EQ(a.allocate("dns", pin).value(), (PortRange{25300, 25300}));
    pin.protocols = Protocols::tcp_udp;
    EXPECT_FALSE(a.allocate("both", pin));
}

TEST(Allocator, BlocksAreContiguousAndFree) {
    PortAllocator a = adr_allocator();
    AllocateOptions block;
    block.count = 20;
    block.pool = "control-plane";
    EXPECT_EQ(a.allocate("harmony-grpc", block).value(), (PortRange{25500, 25519}));
    block.pool.clear();
    block.count = 16;
    auto b = a.allocate("grpc-workers", block).value();
    EXPECT_EQ(b.size(), 16U);
    for (std::uint32_t p = b.first; p <= b.last; ++p) {
        EXPECT_FALSE(is_registered_or_known(static_cast<Port>(p)));
    }
}

TEST(Allocator, FillsAWholeRangeExactlyOnce) {
    PortAllocator a(40000, 40999);
    AllocateOptions o;
    o.allow_registered = true;
    std::set<Port> seen;
    for (int i = 0; i < 1000; ++i) {
        auto p = a.allocate(std::string("s").append(std::to_string(i)), o);
        ASSERT_TRUE(p) << i << ": " << p.error().message;
        EXPECT_TRUE(seen.insert(p->first).second);
    }
    auto extra = a.allocate("one-too-many", o);
    ASSERT_FALSE(extra);
    EXPECT_EQ(extra.error().code, ErrorCode::exhausted);
}

TEST(Allocator, SkipsQuarantinedPortsUntilTheQuarantineEnds) {
    PortAllocator a(25010, 25011);  // candidates: 25011 only (25010 is Impala's)
    AllocateOptions o;
    o.now = at(0);
    ASSERT_EQ(a.allocate("old", o).value(), (PortRange{25011, 25011}));
    ReleaseOptions r;
    r.now = at(0);
    auto released = a.release("old", r).value();
    EXPECT_EQ(released.until, at(30));
    o.now = at(29);
    auto blocked = a.allocate("new", o);
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, ErrorCode::exhausted);
    o.now = at(31);
    EXPECT_EQ(a.allocate("new", o).value(), (PortRange{25011, 25011}));
}

TEST(Allocator, ReleasedNameReclaimsItsOwnPortDuringQuarantine) {
    PortAllocator a = adr_allocator();
    AllocateOptions o;
    o.now = at(0);
    auto p = a.allocate("ntfy", o).value();
    ReleaseOptions r;
    r.now = at(1);
    ASSERT_TRUE(a.release("ntfy", r));
    EXPECT_EQ(a.registry().released.size(), 1U);
    o.now = at(2);
    EXPECT_EQ(a.allocate("ntfy", o).value(), p);
    EXPECT_TRUE(a.registry().released.empty());
}

TEST(Allocator, PinOnAQuarantinedPortNamesTheReleasedService) {
    PortAllocator a = adr_allocator();
    ReleaseOptions r;
    r.now = at(0);
    ASSERT_TRUE(a.release("ceph-rgw", r));
    AllocateOptions pin;
    pin.port = 25080;
    pin.now = at(1);
    auto e = a.allocate("web", pin);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().message,
              "cannot pin web to 25080/tcp: port 25080 is in quarantine after ceph-rgw was "
              "released, until 2026-01-31T00:00:00Z");
}

TEST(Allocator, ReleaseOfUnknownNameSuggestsTheClosest) {
    PortAllocator a = adr_allocator();
    auto r = a.release("ceph-rwg");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::not_found);
    EXPECT_EQ(r.error().message, "no allocation named 'ceph-rwg' (did you mean ceph-rgw?)");
}

TEST(Allocator, ProbeSkipsPortsInUseOnTheHost) {
    PortAllocator plain = adr_allocator();
    auto natural = plain.allocate("ntfy").value();
    PortAllocator probed = adr_allocator();
    AllocateOptions o;
    o.probe = [&](Port p, Protocols) { return p == natural.first; };
    auto p = probed.allocate("ntfy", o).value();
    EXPECT_NE(p, natural);
    EXPECT_GT(p.first, natural.first);  // the walk goes upward
}

TEST(Allocator, RejectsBadNamesBeforeAnythingElse) {
    PortAllocator a(25000, 25999);
    auto r = a.allocate("a;b");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_TRUE(a.registry().allocations.empty());
}

TEST(Allocator, SwappedBoundsAreNormalised) {
    PortAllocator a(25999, 25000);
    EXPECT_EQ(a.range(), (PortRange{25000, 25999}));
}
