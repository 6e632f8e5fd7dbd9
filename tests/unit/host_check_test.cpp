// Verdicts and `check --host` findings from scanned sockets (plain data), the functions that
// scan through a fake HostScanner, and the real scanner finding this test process as an owner.
#include <gtest/gtest.h>

#include "unit/finding_codes.hpp"

#include <algorithm>
#include <fstream>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <harmony/network/allocator.hpp>
#include <harmony/network/export.hpp>
#include <harmony/network/host_check.hpp>
#include <harmony/network/policy.hpp>

using namespace harmony::network;
using harmony::testing::codes;

namespace {

Listener listener(Port port, Protocols protocol, const char* address, int pid,
                  const char* process) {
    Listener l;
    l.port = port;
    l.protocol = protocol;
    l.address = address;
    l.pid = pid;
    l.process = process;
    l.inode = 1;
    return l;
}

// ADR-014 default plus web (25101/tcp, process "web-server") and a udp block.
Registry registry() {
    PortAllocator a(adr014_default_registry());
    AllocateOptions web;
    web.port = 25101;
    web.process = "web-server";
    EXPECT_TRUE(a.allocate("web", web));
    AllocateOptions block;
    block.port = 25200;
    block.count = 4;
    block.protocols = Protocols::udp;
    EXPECT_TRUE(a.allocate("media", block));
    return a.registry();
}

}  // namespace

TEST(ScanRows, JudgesEachSocketAndListsSilentRegisteredPorts) {
    const Registry r = registry();
    std::vector<Listener> sockets = {
        listener(25080, Protocols::tcp, "0.0.0.0", 10, "radosgw"),
        listener(25101, Protocols::tcp, "::", 11, "web-server"),
        listener(25150, Protocols::tcp, "0.0.0.0", 12, "nc"),
        listener(25201, Protocols::udp, "0.0.0.0", 13, "media"),
        listener(22, Protocols::tcp, "0.0.0.0", 1, "sshd"),
    };
    auto rows = scan_rows(r, sockets, r.range);
    std::vector<std::tuple<std::string, Protocols, std::string, Verdict>> got;
    for (const auto& row : rows) {
        got.emplace_back(row.ports.to_string(), row.protocol, row.service, row.verdict);
    }
    using T = decltype(got)::value_type;
    EXPECT_EQ(got, (decltype(got){
                       T{"25080", Protocols::tcp, "ceph-rgw", Verdict::ok},
                       T{"25101", Protocols::tcp, "web", Verdict::ok},
                       T{"25150", Protocols::tcp, "", Verdict::unregistered},
                       T{"25200", Protocols::udp, "media", Verdict::not_listening},
                       T{"25201", Protocols::udp, "media", Verdict::ok},
                       T{"25202-25203", Protocols::udp, "media", Verdict::not_listening},
                       T{"25443", Protocols::tcp, "internal-https", Verdict::not_listening},
                   }));
    // --all-ports: the sshd row appears, judged as not ours.
    auto all = scan_rows(r, sockets, std::nullopt);
    ASSERT_EQ(all.front().ports.first, 22);
    EXPECT_EQ(all.front().verdict, Verdict::none);
    EXPECT_EQ(to_string(Verdict::none), "-");
}

TEST(ScanRows, ProtocolMattersAndWrongProcessIsNamed) {
    const Registry r = registry();
    auto rows = scan_rows(r,
                          {listener(25080, Protocols::udp, "0.0.0.0", 5, "dns"),
                           listener(25101, Protocols::tcp, "0.0.0.0", 6, "nginx")},
                          r.range);
    ASSERT_GE(rows.size(), 3U);
    EXPECT_EQ(rows[0].verdict, Verdict::not_listening);  // 25080/tcp: nobody on TCP
    EXPECT_EQ(rows[1].verdict, Verdict::unregistered);   // 25080/udp: registered for TCP only
    EXPECT_EQ(rows[2].verdict, Verdict::wrong_process);
    EXPECT_EQ(rows[2].expected_process, "web-server");
}

TEST(ScanRows, SharedSocketsAndUnreadableOwners) {
    const Registry r = registry();
    Listener master = listener(25101, Protocols::tcp, "0.0.0.0", 6, "master");
    master.sharers = {{7, "web-server"}};
    Listener unknown = listener(25101, Protocols::tcp, "::", 0, "");
    auto rows = scan_rows(r, {master, unknown}, PortRange{25101, 25101});
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0].verdict, Verdict::ok);  // a worker holding it is the expected process
    EXPECT_EQ(rows[1].verdict, Verdict::unverified);
    EXPECT_EQ(to_string(Verdict::unverified), "unverified");
}

TEST(CheckHost, OwnersNoteBlamesOtherUsersOnlyForTheirSockets) {
    ScanResult scan;
    scan.owners_unknown = 3;
    scan.owners_other_users = 2;
    EXPECT_EQ(owners_unknown_message(scan),
              "the owners of 2 socket(s) could not be read: they belong to other users' "
              "processes; run as root to see them; 1 socket(s) have no owning process in /proc "
              "(kernel sockets, or held only across a PID namespace)");
    scan.owners_other_users = 0;
    EXPECT_EQ(owners_unknown_message(scan).rfind("3 socket(s) have no owning process", 0), 0U);
    scan.owners_unknown = 0;
    EXPECT_EQ(owners_unknown_message(scan), "");
}

TEST(CheckHost, FindingsNameThePortProcessAndFix) {
    const Registry r = registry();
    ScanResult scan;
    scan.listeners = {listener(25150, Protocols::tcp, "0.0.0.0", 12, "nc"),
                      listener(25150, Protocols::tcp, "::", 12, "nc"),
                      listener(25101, Protocols::tcp, "0.0.0.0", 6, "nginx")};
    auto rows = scan_rows(r, scan.listeners, r.range);
    HostFacts facts{PortRange{32768, 60999}, std::vector<PortRange>{}};
    auto findings = check_host(r, rows, scan, facts);
    EXPECT_EQ(codes(findings),
              (std::vector<std::string>{"wrong-process", "port-in-use",
                                        "not-listening",  // 25080/tcp ceph-rgw
                                        "not-listening",  // 25200-25203/udp media, one run
                                        "not-listening",  // 25443/tcp internal-https
                                        "ephemeral-not-reserved"}));
    EXPECT_EQ(findings[0].message,
              "web: 25101/tcp should be held by web-server but nginx (pid 6) on "
              "0.0.0.0 holds it");
    EXPECT_EQ(findings[1].severity, Severity::error);
    EXPECT_EQ(findings[1].message,
              "25150/tcp is in use by nc (pid 12) on 0.0.0.0, nc (pid 12) on :: but the "
              "registry has no entry for it; register it or move that service out of "
              "25000-25999");
    EXPECT_EQ(findings[1].hint.kind, HintKind::pin_port);
    EXPECT_EQ(findings[1].hint.subject, "25150");
    EXPECT_EQ(findings.back().hint.kind, HintKind::reserve_ephemeral);
    EXPECT_EQ(findings.back().severity, Severity::info);
}

TEST(CheckHost, QuarantinedPortStillInUseSaysWhoReleasedIt) {
    PortAllocator a(registry());
    ASSERT_TRUE(a.release("web", ReleaseOptions{}));
    ScanResult scan;
    scan.listeners = {listener(25101, Protocols::tcp, "0.0.0.0", 6, "web")};
    auto findings = check_host(a.registry(), scan_rows(a.registry(), scan.listeners, std::nullopt),
                               scan, HostFacts{});
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings[0].code, "port-in-use");
    EXPECT_NE(findings[0].message.find("(released by web, quarantined until "), std::string::npos)
        << findings[0].message;
}

TEST(CheckHost, EphemeralReservationIsAnErrorOnlyWhereTheKernelReachesIn) {
    const Registry r = adr014_default_registry();
    auto ephemeral = [&](PortRange local, std::vector<PortRange> reserved) {
        auto f = check_host(r, {}, ScanResult{}, HostFacts{local, reserved});
        std::erase_if(f, [](const Finding& x) { return x.code != "ephemeral-not-reserved"; });
        return f;
    };
    auto overlapping = ephemeral({20000, 60999}, {});
    ASSERT_EQ(overlapping.size(), 1U);
    EXPECT_EQ(overlapping[0].severity, Severity::error);
    auto clear = ephemeral({32768, 60999}, {});
    ASSERT_EQ(clear.size(), 1U);
    EXPECT_EQ(clear[0].severity, Severity::info);
    EXPECT_TRUE(ephemeral({20000, 60999}, {{24000, 25499}, {25500, 26000}}).empty());
    auto partly = ephemeral({25500, 60999}, {{25000, 25099}});
    ASSERT_EQ(partly.size(), 1U);
    EXPECT_EQ(partly[0].severity, Severity::error);
}

TEST(CheckHost, ReservedPortsDowngradeThisHostsEphemeralOverlap) {
    const Registry r = adr014_default_registry();
    auto severity_of_overlap = [&](std::optional<std::vector<PortRange>> reserved) {
        for (const auto& f : check_policy(r, HostFacts{PortRange{20000, 60999}, reserved})) {
            if (f.code == "range-overlaps-ephemeral" && f.platform == "linux") {
                return f.severity;
            }
        }
        return Severity::info;
    };
    EXPECT_EQ(severity_of_overlap(std::nullopt), Severity::error);
    EXPECT_EQ(severity_of_overlap(std::vector<PortRange>{{25000, 25999}}), Severity::warning);
}

TEST(PortList, ParsesTheKernelFormat) {
    auto list = parse_port_list("25000-25999,30000\n");
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_EQ(*list, (std::vector<PortRange>{{25000, 25999}, {30000, 30000}}));
    EXPECT_TRUE(parse_port_list("")->empty());
    EXPECT_TRUE(parse_port_list("\n")->empty());
    EXPECT_FALSE(parse_port_list("25000-"));
    EXPECT_FALSE(parse_port_list("1,"));
    EXPECT_FALSE(parse_port_list("70000"));
    EXPECT_TRUE(covers({{1, 5}, {6, 9}}, {2, 8}));
    EXPECT_FALSE(covers({{1, 5}, {7, 9}}, {2, 8}));
    EXPECT_TRUE(covers({{0, 65535}}, {0, 65535}));
}

TEST(ExportSysctl, ReservesTheRangeOrTheAllocatedPortsInRuns) {
    const Registry r = registry();
    const std::string range = export_sysctl(r, "reg.toml", ExportScope::range);
    EXPECT_NE(range.find("\nnet.ipv4.ip_local_reserved_ports = 25000-25999\n"), std::string::npos);
    EXPECT_EQ(range.rfind("# Generated by harmony-ports ", 0), 0U);
    const std::string allocated = export_sysctl(r, "reg.toml", ExportScope::allocations);
    EXPECT_NE(
        allocated.find("\nnet.ipv4.ip_local_reserved_ports = 25080,25101,25200-25203,25443\n"),
        std::string::npos)
        << allocated;
    Registry empty = r;
    empty.allocations.clear();
    const std::string none = export_sysctl(empty, "reg.toml", ExportScope::allocations);
    EXPECT_EQ(none.find("net.ipv4.ip_local_reserved_ports ="), std::string::npos);
    // Every line is a comment or the one assignment, whatever the source label holds.
    const std::string hostile = export_sysctl(r, "x\nnet.core.somaxconn = 1", ExportScope::range);
    std::size_t assignments = 0, at = 0;
    while ((at = hostile.find("\nnet.", at)) != std::string::npos) {
        ++assignments;
        ++at;
    }
    EXPECT_EQ(assignments, 1U) << hostile;
    EXPECT_FALSE(parse_export_scope("everything"));
}

// The real scanner on this process's own socket: found through netlink and /proc alike,
// owned by this process.
TEST(SystemHostScanner, FindsThisProcessAsTheOwner) {
    int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    const Port port = ntohs(a.sin6_port);
    std::string comm;
    std::getline(std::ifstream("/proc/self/comm"), comm);
    for (auto source : {ScanSource::netlink, ScanSource::procfs}) {
        auto scan =
            scan_host(ScanOptions{PortRange{port, port}, OwnerSearch::first, source, false});
        ASSERT_TRUE(scan) << scan.error().message;
        EXPECT_EQ(scan->source, source);
        ASSERT_EQ(scan->listeners.size(), 1U) << to_string(source);
        EXPECT_EQ(scan->listeners[0].address, "::1");
        EXPECT_EQ(scan->listeners[0].protocol, Protocols::udp);
        EXPECT_EQ(scan->listeners[0].pid, ::getpid());
        EXPECT_EQ(scan->listeners[0].process, comm);
        EXPECT_EQ(scan->owners_unknown, 0U);
    }
    ::close(fd);
}

TEST(NetworkNamespace, BadOrMissingNamesAreRefusedBeforeAnythingChanges) {
    auto bad = NetworkNamespace::enter("../etc");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
    auto missing = NetworkNamespace::enter("harmony-ports-no-such-netns");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    EXPECT_EQ(missing.error().message,
              "no network namespace 'harmony-ports-no-such-netns' "
              "(/run/netns/harmony-ports-no-such-netns does not exist; see `ip netns list`)");
}

namespace {

// Answers each scan with the sockets given for its OwnerSearch, and records the requests.
class FakeScanner final : public HostScanner {
  public:
    std::vector<Listener> first;  // what OwnerSearch::first and ::none find
    std::vector<Listener> all;    // what OwnerSearch::all finds (sharers included)
    mutable std::vector<ScanOptions> calls;

    Expected<ScanResult> scan(const ScanOptions& options) const override {
        calls.push_back(options);
        ScanResult result;
        result.listeners = options.owners == OwnerSearch::all ? all : first;
        return result;
    }
};

// The row of a socket on `port` (not a registered port nobody listens on).
const ScanRow& socket_row(const HostView& view, Port port) {
    auto it = std::find_if(view.rows.begin(), view.rows.end(), [port](const ScanRow& r) {
        return r.ports.first == port && r.verdict != Verdict::not_listening;
    });
    EXPECT_NE(it, view.rows.end()) << "no socket row for " << port;
    return it != view.rows.end() ? *it : view.rows.front();
}

class FailingScanner final : public HostScanner {
  public:
    Expected<ScanResult> scan(const ScanOptions&) const override {
        return fail(ErrorCode::permission_denied, "netlink: denied");
    }
};

}  // namespace

TEST(ViewHost, ScansOnceWhenNothingLooksWrong) {
    FakeScanner scanner;
    scanner.first = {listener(25101, Protocols::tcp, "0.0.0.0", 6, "web-server")};
    auto view = view_host(registry(), scanner, PortRange{25000, 25999}, ScanSource::procfs);
    ASSERT_TRUE(view) << view.error().message;
    ASSERT_EQ(scanner.calls.size(), 1U);
    EXPECT_EQ(scanner.calls[0].owners, OwnerSearch::first);
    EXPECT_EQ(scanner.calls[0].source, ScanSource::procfs);
    EXPECT_EQ(scanner.calls[0].ports, (PortRange{25000, 25999}));
    EXPECT_FALSE(scanner.calls[0].any_state);
    EXPECT_EQ(socket_row(*view, 25101).verdict, Verdict::ok);
}

// A pre-fork master holds the socket its worker "nginx" was found on: not the wrong process.
TEST(ViewHost, LooksForEveryHolderBeforeCallingItTheWrongProcess) {
    FakeScanner scanner;
    scanner.first = {listener(25101, Protocols::tcp, "0.0.0.0", 7, "nginx")};
    Listener shared = listener(25101, Protocols::tcp, "0.0.0.0", 7, "nginx");
    shared.sharers = {Owner{6, "web-server"}};
    scanner.all = {shared};
    auto view = view_host(registry(), scanner, std::nullopt, ScanSource::automatic);
    ASSERT_TRUE(view);
    ASSERT_EQ(scanner.calls.size(), 2U);
    EXPECT_EQ(scanner.calls[1].owners, OwnerSearch::all);
    EXPECT_EQ(socket_row(*view, 25101).service, "web");
    EXPECT_EQ(socket_row(*view, 25101).verdict, Verdict::ok);
    EXPECT_EQ(view->scan.listeners, scanner.all);
}

TEST(ViewHost, AWrongProcessWithoutTheExpectedSharerStaysWrong) {
    FakeScanner scanner;
    scanner.first = scanner.all = {listener(25101, Protocols::tcp, "0.0.0.0", 7, "nginx")};
    auto view = view_host(registry(), scanner, std::nullopt, ScanSource::automatic);
    ASSERT_TRUE(view);
    EXPECT_EQ(scanner.calls.size(), 2U);
    EXPECT_EQ(socket_row(*view, 25101).verdict, Verdict::wrong_process);
}

TEST(ProbeHost, ReportsHeldPortsPerProtocolFromAnAnyStateScan) {
    FakeScanner scanner;
    scanner.first = {listener(25010, Protocols::tcp, "127.0.0.1", 0, ""),
                     listener(25011, Protocols::udp, "::", 0, "")};
    auto probe = probe_host(scanner, PortRange{25000, 25099});
    ASSERT_TRUE(probe);
    ASSERT_EQ(scanner.calls.size(), 1U);
    EXPECT_TRUE(scanner.calls[0].any_state);
    EXPECT_EQ(scanner.calls[0].owners, OwnerSearch::none);
    EXPECT_TRUE((*probe)(25010, Protocols::tcp));
    EXPECT_FALSE((*probe)(25010, Protocols::udp));
    EXPECT_TRUE((*probe)(25011, Protocols::tcp_udp));
    EXPECT_FALSE((*probe)(25012, Protocols::tcp_udp));
}

TEST(ProbeHost, AScannerErrorIsReturned) {
    auto probe = probe_host(FailingScanner{}, PortRange{25000, 25099});
    ASSERT_FALSE(probe);
    EXPECT_EQ(probe.error().code, ErrorCode::permission_denied);
    auto view = view_host(registry(), FailingScanner{}, std::nullopt, ScanSource::automatic);
    ASSERT_FALSE(view);
    EXPECT_EQ(view.error().message, "netlink: denied");
}
