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
    EXPECT_EQ(r.error().message,
              "cannot pin score to 25560: pool future-scores (25550-25599) is reserved for "
              "requests that name it");
    EXPECT_EQ(r.error().hint.kind, HintKind::name_pool);
    EXPECT_EQ(r.error().hint.subject, "future-scores");
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

namespace {

// The released entries of `a` as "name ports/protocols until-day" lines, in canonical order.
std::vector<std::string> quarantine_of(const PortAllocator& a) {
    std::vector<std::string> out;
    for (const auto& r : a.registry().released) {
        out.push_back(r.name + " " + r.ports.to_string() + "/" +
                      std::string(to_string(r.protocols)) + " " + format_time(r.until));
    }
    return out;
}

// `name` allocated with `options` at day 0 and released at day 1 (30 days of quarantine).
PortRange allocate_and_release(PortAllocator& a, const std::string& name,
                               AllocateOptions options = {}) {
    options.now = at(0);
    PortRange ports = a.allocate(name, options).value();
    ReleaseOptions r;
    r.now = at(1);
    EXPECT_TRUE(a.release(name, r));
    return ports;
}

AllocateOptions on_day(int day) {
    AllocateOptions o;
    o.now = at(day);
    return o;
}

// A request on `day` for `count` ports, pinned at `port` when it is not 0.
AllocateOptions block_of(std::uint16_t count, int day, Port port = 0,
                         Protocols protocols = Protocols::tcp) {
    AllocateOptions o = on_day(day);
    o.count = count;
    o.protocols = protocols;
    if (port != 0) {
        o.port = port;
    }
    return o;
}

}  // namespace

TEST(AllocatorQuarantine, AnotherCountKeepsTheOldPortsQuarantined) {
    PortAllocator a = adr_allocator();
    PortRange old = allocate_and_release(a, "ntfy");
    PortRange block = a.allocate("ntfy", block_of(2, 2)).value();
    EXPECT_EQ(block.size(), 2U);
    EXPECT_FALSE(block.contains(old.first));  // the walk skips quarantine, the name's own too
    EXPECT_EQ(quarantine_of(a),
              std::vector<std::string>{"ntfy " + old.to_string() + "/tcp 2026-02-01T00:00:00Z"});
    AllocateOptions pin = on_day(3);
    pin.port = old.first;
    auto other = a.allocate("web", pin);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().message, "cannot pin web to " + old.to_string() + "/tcp: port " +
                                         old.to_string() +
                                         " is in quarantine after ntfy was released, until "
                                         "2026-02-01T00:00:00Z");
}

TEST(AllocatorQuarantine, ReleasingAgainKeepsTheOlderQuarantine) {
    PortAllocator a = adr_allocator();
    PortRange old = allocate_and_release(a, "ntfy");
    PortRange block = a.allocate("ntfy", block_of(2, 2)).value();
    ReleaseOptions r;
    r.now = at(3);
    ASSERT_TRUE(a.release("ntfy", r));
    std::vector<std::string> expected{"ntfy " + old.to_string() + "/tcp 2026-02-01T00:00:00Z",
                                      "ntfy " + block.to_string() + "/tcp 2026-02-03T00:00:00Z"};
    if (block.first < old.first) {
        std::swap(expected[0], expected[1]);
    }
    EXPECT_EQ(quarantine_of(a), expected);
    // Asked for with its old size, the name takes the lowest fitting entry back.
    EXPECT_EQ(a.allocate("ntfy", on_day(4)).value(), old);
    EXPECT_EQ(quarantine_of(a),
              std::vector<std::string>{"ntfy " + block.to_string() + "/tcp 2026-02-03T00:00:00Z"});
}

TEST(AllocatorQuarantine, FewerProtocolsKeepTheOthersQuarantined) {
    PortAllocator a = adr_allocator();
    AllocateOptions both;
    both.protocols = Protocols::tcp_udp;
    PortRange old = allocate_and_release(a, "dns", both);
    AllocateOptions tcp = on_day(2);
    tcp.protocols = Protocols::tcp;
    EXPECT_EQ(a.allocate("dns", tcp).value(), old);
    EXPECT_EQ(quarantine_of(a),
              std::vector<std::string>{"dns " + old.to_string() + "/udp 2026-02-01T00:00:00Z"});
    AllocateOptions pin = on_day(3);
    pin.port = old.first;
    pin.protocols = Protocols::udp;
    auto other = a.allocate("syslog", pin);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, ErrorCode::conflict);
}

TEST(AllocatorQuarantine, AnotherProtocolKeepsTheOldOneQuarantined) {
    PortAllocator a = adr_allocator();
    PortRange old = allocate_and_release(a, "dns");
    AllocateOptions udp = on_day(2);
    udp.protocols = Protocols::udp;
    EXPECT_EQ(a.allocate("dns", udp).value(), old);  // the same number, for UDP now
    EXPECT_EQ(quarantine_of(a),
              std::vector<std::string>{"dns " + old.to_string() + "/tcp 2026-02-01T00:00:00Z"});
}

TEST(AllocatorQuarantine, AnotherPoolKeepsTheOldPortsQuarantined) {
    PortAllocator a = adr_allocator();
    PortRange old = allocate_and_release(a, "exporter");
    AllocateOptions metrics = on_day(2);
    metrics.pool = "metrics";
    PortRange now = a.allocate("exporter", metrics).value();
    EXPECT_TRUE((PortRange{25090, 25099}).contains(now));
    EXPECT_EQ(quarantine_of(a), std::vector<std::string>{"exporter " + old.to_string() +
                                                         "/tcp 2026-02-01T00:00:00Z"});
}

TEST(AllocatorQuarantine, APartlyOverlappingBlockKeepsTheRestQuarantined) {
    PortAllocator a = adr_allocator();
    ASSERT_EQ(allocate_and_release(a, "grpc", block_of(10, 0, 25300, Protocols::tcp_udp)),
              (PortRange{25300, 25309}));
    EXPECT_EQ(a.allocate("grpc", block_of(10, 2, 25305, Protocols::tcp_udp)).value(),
              (PortRange{25305, 25314}));
    EXPECT_EQ(quarantine_of(a),
              std::vector<std::string>{"grpc 25300-25304/tcp+udp 2026-02-01T00:00:00Z"});
}

TEST(AllocatorQuarantine, ABlockInsideTheOldOneSplitsItByPortAndProtocol) {
    PortAllocator a = adr_allocator();
    allocate_and_release(a, "grpc", block_of(10, 0, 25300, Protocols::tcp_udp));
    EXPECT_EQ(a.allocate("grpc", block_of(2, 2, 25302)).value(), (PortRange{25302, 25303}));
    EXPECT_EQ(quarantine_of(a),
              (std::vector<std::string>{"grpc 25300-25301/tcp+udp 2026-02-01T00:00:00Z",
                                        "grpc 25302-25303/udp 2026-02-01T00:00:00Z",
                                        "grpc 25304-25309/tcp+udp 2026-02-01T00:00:00Z"}));
    // Nobody else gets the kept ports; the walk skips them for everyone.
    AllocateOptions pin = on_day(3);
    pin.port = 25304;
    pin.protocols = Protocols::udp;
    auto other = a.allocate("other", pin);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().message,
              "cannot pin other to 25304/udp: port 25304 is in quarantine after grpc was "
              "released, until 2026-02-01T00:00:00Z");
    EXPECT_EQ(a.registry().allocations.size(), 3U);
}

TEST(AllocatorQuarantine, ExpiredPartsArePrunedAndCountAsAChange) {
    PortAllocator a = adr_allocator();
    allocate_and_release(a, "ntfy");
    const auto before = a.revision();
    a.prune_expired(at(30));
    EXPECT_EQ(a.revision(), before);
    a.prune_expired(at(31));
    EXPECT_GT(a.revision(), before);
    EXPECT_TRUE(a.registry().released.empty());
}

TEST(Allocator, PinNamesTheHolderAfterReleasesReorderedTheEntries) {
    PortAllocator a(25000, 25999);
    for (auto [name, port] :
         {std::pair{"a", 25100}, std::pair{"b", 25200}, std::pair{"c", 25300}}) {
        AllocateOptions pin;
        pin.port = static_cast<Port>(port);
        ASSERT_TRUE(a.allocate(name, pin));
    }
    ReleaseOptions none;
    none.quarantine_days = 0;
    ASSERT_TRUE(a.release("a", none));  // c moves into a's slot
    AllocateOptions pin;
    pin.port = 25299;
    pin.count = 3;
    auto r = a.allocate("d", pin);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "cannot pin d to 25299-25301/tcp: port 25300 is already allocated to c");
    pin.port = 25100;
    pin.count = 1;
    EXPECT_EQ(a.allocate("d", pin).value(), (PortRange{25100, 25100}));
}

TEST(Allocator, ACopyAllocatesIndependently) {
    PortAllocator a = adr_allocator();
    PortAllocator b = a;
    AllocateOptions pin;
    pin.port = 25300;
    ASSERT_TRUE(b.allocate("web", pin));
    EXPECT_EQ(a.find("web"), nullptr);
    EXPECT_EQ(a.allocate("web", pin).value(), (PortRange{25300, 25300}));
    a = b;
    pin.port = 25301;
    EXPECT_EQ(a.allocate("web", pin).error().code, ErrorCode::conflict);
}

TEST(Allocator, OnlyRegisteredPortsLeftHintsAtAllowingThem) {
    PortAllocator a(25010, 25010);  // Impala's port
    auto r = a.allocate("x");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::exhausted);
    EXPECT_EQ(r.error().message,
              "no candidate ports for x in the default pool of 25010 (all are IANA-registered "
              "or used by known software)");
    EXPECT_EQ(r.error().hint.kind, HintKind::allow_registered);
    AllocateOptions allow;
    allow.allow_registered = true;
    EXPECT_EQ(a.allocate("x", allow).value(), (PortRange{25010, 25010}));
}

TEST(Allocator, AddedPoolsLeaveTheDefaultPool) {
    PortAllocator a(25000, 25009);
    AllocateOptions o;
    o.allow_registered = true;
    ASSERT_TRUE(a.allocate("first", o));
    ASSERT_TRUE(a.add_pool("all", PortRange{25000, 25009}, false));
    auto r = a.allocate("second", o);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message,
              "no candidate ports for second in the default pool of "
              "25000-25009");
}

TEST(Allocator, APoolWhoseFirstPortIsAboveItsLastIsRefused) {
    PortAllocator a(25000, 25999);
    auto r = a.add_pool("upside", PortRange{25950, 25940}, false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(r.error().message, "pool upside: first port 25950 is above last port 25940");
    EXPECT_TRUE(a.registry().pools.empty());
}
