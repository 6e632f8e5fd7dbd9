// check_fleet on made-up reports: the host codes per host, staleness, clocks, topology ties,
// and the store's entries (one unreadable) through check_fleet_entries.
#include <gtest/gtest.h>

#include "unit/finding_codes.hpp"

#include <harmony/network/allocator.hpp>
#include <harmony/network/fleet_check.hpp>

using namespace harmony::network;
using harmony::testing::codes;
using std::chrono::seconds;

namespace {

const TimePoint k_now = *parse_time("2026-12-01T10:00:00Z");

Listener socket(Port port, const char* process) {
    Listener l;
    l.port = port;
    l.address = "0.0.0.0";
    l.pid = 100 + port % 100;
    l.process = process;
    return l;
}

// ADR-014 default plus web (25101/tcp, process "web-server").
Registry registry() {
    PortAllocator a(adr014_default_registry());
    AllocateOptions web;
    web.port = 25101;
    web.process = "web-server";
    EXPECT_TRUE(a.allocate("web", web));
    return a.registry();
}

// A fresh report: the ADR's two ports and web held rightly, the range reserved.
HostReport report(const char* host) {
    HostReport r;
    r.host = host;
    r.published_at = k_now - seconds(10);
    r.interval = seconds(30);
    r.facts = {PortRange{32768, 60999}, std::vector<PortRange>{{25000, 25999}}};
    r.scan.listeners = {socket(25080, "radosgw"), socket(25101, "web-server"),
                        socket(25443, "nginx")};
    return r;
}

std::vector<std::string> hosts(const std::vector<Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) {
        out.push_back(f.host);
    }
    return out;
}

Topology topology() {
    Cluster a{"prod-a", "k3s", std::nullopt, {"node-1", "node-3"}, {{"web", {}}}, {}, {}};
    a.ports.push_back({"legacy", PortRange{25081, 25081}, Protocols::tcp, {}});
    Cluster b{"prod-b", "bare-metal", std::nullopt, {"node-2"}, {{"ceph-rgw", {}}}, {}, {}};
    return Topology{{a, b}};
}

}  // namespace

TEST(CheckFleet, AHealthyFleetHasNothingToSay) {
    EXPECT_TRUE(
        check_fleet(registry(), {report("node-1"), report("node-2")}, k_now, nullptr).empty());
}

TEST(CheckFleet, EachHostIsJudgedAsCheckHostJudgesThisOne) {
    HostReport one = report("node-1");
    one.scan.listeners[1].process = "impostor";         // web: wrong-process
    one.scan.listeners.push_back(socket(25150, "nc"));  // port-in-use
    HostReport two = report("node-2");
    two.scan.listeners.erase(two.scan.listeners.begin());  // ceph-rgw: not-listening
    two.facts.reserved = std::vector<PortRange>{};         // ephemeral-not-reserved (info)
    const auto found = check_fleet(registry(), {one, two}, k_now, nullptr);
    EXPECT_EQ(codes(found), (std::vector<std::string>{"wrong-process", "port-in-use",
                                                      "not-listening", "ephemeral-not-reserved"}));
    EXPECT_EQ(hosts(found), (std::vector<std::string>{"node-1", "node-1", "node-2", "node-2"}));
    EXPECT_EQ(found[0].message,
              "host node-1: web: 25101/tcp should be held by web-server but impostor (pid 101) "
              "on 0.0.0.0 holds it");
    EXPECT_EQ(found[2].message,
              "host node-2: ceph-rgw: 25080/tcp is registered but nothing listens on it there");
}

TEST(CheckFleet, AnEphemeralRangeReachingInIsAnErrorForThatHost) {
    HostReport one = report("node-1");
    one.facts = {PortRange{20000, 60999}, std::vector<PortRange>{}};
    const auto found = check_fleet(registry(), {one}, k_now, nullptr);
    ASSERT_EQ(codes(found), std::vector<std::string>{"ephemeral-not-reserved"});
    EXPECT_EQ(found[0].severity, Severity::error);
    EXPECT_EQ(found[0].message.rfind("host node-1: its ephemeral range 20000-60999", 0), 0U);
}

TEST(CheckFleet, AReportOlderThanThreeIntervalsIsStaleAndNotJudged) {
    HostReport old = report("node-1");
    old.published_at = k_now - seconds(91);
    old.scan.listeners.push_back(socket(25150, "nc"));
    HostReport edge = report("node-2");
    edge.published_at = k_now - seconds(90);
    const auto found = check_fleet(registry(), {old, edge}, k_now, nullptr);
    ASSERT_EQ(codes(found), std::vector<std::string>{"host-stale"});
    EXPECT_EQ(found[0].host, "node-1");
    EXPECT_EQ(found[0].severity, Severity::warning);
    EXPECT_EQ(found[0].message,
              "host node-1: its last report is from 2026-12-01T09:58:29Z, 91 s ago, more than "
              "three times its 30 s interval: is its agent running? (the sockets it reported "
              "are not judged)");
}

TEST(CheckFleet, TheStoresClockDecidesStalenessWhenKnown) {
    HostReport r = report("node-1");
    r.published_at = k_now;             // the agent's clock says now...
    r.received = k_now - seconds(200);  // ...but the store got it long ago
    EXPECT_EQ(codes(check_fleet(registry(), {r}, k_now, nullptr)),
              (std::vector<std::string>{"host-clock-skew", "host-stale"}));
}

TEST(CheckFleet, AReportFromTheFutureIsAClockProblemAndCountsAsFresh) {
    HostReport ahead = report("node-1");
    ahead.published_at = k_now + seconds(3600);
    ahead.scan.listeners.push_back(socket(25150, "nc"));
    HostReport slight = report("node-2");
    slight.published_at = k_now + seconds(60);
    const auto found = check_fleet(registry(), {ahead, slight}, k_now, nullptr);
    EXPECT_EQ(codes(found), (std::vector<std::string>{"port-in-use", "host-clock-skew"}));
    EXPECT_EQ(found[1].message,
              "host node-1: its report is stamped 2026-12-01T11:00:00Z, 3600 s after this "
              "clock: check the host's clock (NTP)");
}

TEST(CheckFleet, ATopologyTiesHostsToClustersAndFindsTheMissing) {
    HostReport one = report("node-1");
    one.scan.listeners.erase(one.scan.listeners.begin());   // ceph-rgw: not run by prod-a
    one.scan.listeners.push_back(socket(25081, "legacy"));  // prod-a's own port
    HostReport two = report("node-2");
    two.scan.listeners.erase(two.scan.listeners.begin());  // ceph-rgw: prod-b runs it
    HostReport stray = report("node-9");
    const Topology t = topology();
    const auto found = check_fleet(registry(), {one, two, stray}, k_now, &t);
    EXPECT_EQ(codes(found),
              (std::vector<std::string>{"host-missing", "not-listening", "host-not-in-topology"}));
    EXPECT_EQ(hosts(found), (std::vector<std::string>{"node-3", "node-2", "node-9"}));
    EXPECT_EQ(found[0].cluster, "prod-a");
    EXPECT_EQ(found[0].message,
              "host node-3 (cluster prod-a) has no report in the store: is its agent running?");
    EXPECT_EQ(found[1].cluster, "prod-b");
    EXPECT_EQ(found[2].cluster, "");
}

TEST(CheckFleetEntries, ReadsTheStoresEntriesAndReportsTheUnreadable) {
    HostReport one = report("node-1");
    one.scan.listeners.push_back(socket(25150, "nc"));
    std::vector<HostReportEntry> entries = {
        {"node-1", render_host_report(one), 7, k_now - seconds(5)},
        {"node-2", "{\"schema\":1}", 8, k_now},
    };
    const auto found = check_fleet_entries(registry(), entries, k_now, nullptr);
    EXPECT_EQ(codes(found), (std::vector<std::string>{"port-in-use", "host-report-invalid"}));
    EXPECT_EQ(hosts(found), (std::vector<std::string>{"node-1", "node-2"}));
    EXPECT_EQ(found[1].message, "host node-2: report: missing \"host\"");
}
