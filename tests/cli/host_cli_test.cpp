// Integration: real listeners in a real network namespace, seen by the real binary.
// Needs root (ip netns add); skipped with a reason otherwise. CI runs as root.
#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/netns.hpp"
#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

class HostCli : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) {
            GTEST_SKIP() << "needs root to create network namespaces (CI runs as root)";
        }
        auto init = run({"init"});
        ASSERT_EQ(init.exit_code, 0) << init.err;
        // web expects its own daemon; api expects one that is not what will listen.
        for (auto args :
             {std::vector<std::string>{"allocate", "web", "--port", "25101", "--process", "hp-web"},
              std::vector<std::string>{"allocate", "api", "--port", "25102", "--process", "hp-api"},
              std::vector<std::string>{"allocate", "dns", "--port", "25103", "--protocol",
                                       "udp"}}) {
            auto r = run(args);
            ASSERT_EQ(r.exit_code, 0) << r.err;
        }
    }
    ProcessResult run(const std::vector<std::string>& args) {
        return harmony_ports(args, m_dir.path());
    }
    json scan_json(const std::vector<std::string>& extra) {
        std::vector<std::string> args{"scan", "--netns", m_ns.name(), "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out);
    }
    std::vector<std::string> codes(const json& findings) {
        std::vector<std::string> out;
        for (const auto& f : findings["findings"]) {
            out.push_back(f["code"]);
        }
        return out;
    }
    TempDir m_dir;
    Netns m_ns;
};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_F(HostCli, ScanShowsRealSocketsWithOwnersAndVerdicts) {
    Listeners web(m_ns, {"--comm", "hp-web", "tcp4:25101", "tcp6:25101@::1"});
    Listeners other(m_ns, {"--comm", "hp-impostor", "tcp4:25102@127.0.0.1", "udp4:25103",
                           "tcp6:25150", "udp6:25160", "tcp4:8080", "udp4:5353"});
    json j = scan_json({});
    std::vector<std::string> rows;
    for (const auto& r : j["rows"]) {
        rows.push_back(r["first"].dump() + "/" + r["protocol"].get<std::string>() + " " +
                       (r["address"].is_null() ? "-" : r["address"].get<std::string>()) + " " +
                       (r["process"].is_null() ? "-" : r["process"].get<std::string>()) + " " +
                       (r["service"].is_null() ? "-" : r["service"].get<std::string>()) + " " +
                       r["verdict"].get<std::string>());
    }
    EXPECT_EQ(rows, (std::vector<std::string>{
                        "25080/tcp - - ceph-rgw not-listening",
                        "25101/tcp 0.0.0.0 hp-web web ok",
                        "25101/tcp ::1 hp-web web ok",
                        "25102/tcp 127.0.0.1 hp-impostor api wrong-process",
                        "25103/udp 0.0.0.0 hp-impostor dns ok",
                        "25150/tcp :: hp-impostor - unregistered",
                        "25160/udp :: hp-impostor - unregistered",
                        "25443/tcp - - internal-https not-listening",
                    }));
    EXPECT_EQ(j["rows"][1]["pid"], web.pid());
    EXPECT_EQ(j["netns"], m_ns.name());
    EXPECT_EQ(j["owners_complete"], true);
    EXPECT_EQ(j["source"], "netlink");

    // --all-ports adds what lies outside the range, judged as not ours.
    json all = scan_json({"--all-ports"});
    ASSERT_EQ(all["rows"].size(), j["rows"].size() + 2);
    EXPECT_EQ(all["rows"][0]["first"], 5353);
    EXPECT_EQ(all["rows"][0]["protocol"], "udp");
    EXPECT_TRUE(all["rows"][0]["verdict"].is_null());
    EXPECT_EQ(all["rows"][1]["first"], 8080);
    EXPECT_EQ(all["rows"][1]["process"], "hp-impostor");

    // The /proc/net fallback sees exactly the same.
    for (const char* scope : {"", "--all-ports"}) {
        std::vector<std::string> extra{"--source", "proc"};
        if (*scope != '\0') {
            extra.emplace_back(scope);
        }
        json proc = scan_json(extra);
        EXPECT_EQ(proc["source"], "proc");
        EXPECT_EQ(proc["rows"], (*scope != '\0' ? all : j)["rows"]) << scope;
    }

    // The table says the same to a person.
    auto table = run({"scan", "--netns", m_ns.name()});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_TRUE(contains(
        table.out, "scanned 25000-25999 in network namespace " + m_ns.name() + " via netlink"));
    EXPECT_TRUE(contains(table.out, "hp-impostor      api"));
    EXPECT_TRUE(contains(table.out, "wrong-process"));
}

// The main job (no sub-command) shows live conflicts with the table.
TEST_F(HostCli, DefaultViewShowsLiveConflicts) {
    Listeners l(m_ns, {"--comm", "squatter", "udp4:25170"});
    auto r = m_ns.exec({HARMONY_PORTS_BIN}, m_dir.path());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(contains(r.out, "error: 25170/udp is in use by squatter (pid ")) << r.out;
    EXPECT_TRUE(contains(r.out, "web ")) << r.out;  // the allocation table is there too
}

TEST_F(HostCli, CheckHostReportsLiveConflictsAndFailsOnThem) {
    {
        Listeners l(m_ns, {"--comm", "hp-web", "tcp4:25101", "tcp4:25150", "udp6:25101"});
        auto r = run({"check", "--host", "--netns", m_ns.name(), "--json"});
        EXPECT_EQ(r.exit_code, 1) << r.err;
        json j = json::parse(r.out);
        auto c = codes(j);
        EXPECT_EQ(std::count(c.begin(), c.end(), "port-in-use"), 2) << r.out;
        EXPECT_EQ(std::count(c.begin(), c.end(), "not-listening"), 4) << r.out;
        bool named = false;
        for (const auto& f : j["findings"]) {
            named = named || (f["code"] == "port-in-use" &&
                              contains(f["message"], "25101/udp is in use by hp-web (pid ") &&
                              f["first"] == 25101);
        }
        EXPECT_TRUE(named) << r.out;
    }
    {
        Listeners l(m_ns, {"--comm", "nginx", "tcp4:25102"});
        auto r = run({"check", "--host", "--netns", m_ns.name()});
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_TRUE(contains(r.out,
                             "error: api: 25102/tcp should be held by hp-api but nginx "
                             "(pid "))
            << r.out;
    }
    // Nothing unexpected listening: only information, exit 0.
    auto quiet = run({"check", "--host", "--netns", m_ns.name(), "--json"});
    EXPECT_EQ(quiet.exit_code, 0) << quiet.out;
}

TEST_F(HostCli, EphemeralRangeAndTheSysctlExportAgreeWithTheKernel) {
    // This namespace's kernel hands out source ports from 20000 up: inside our range.
    auto set = m_ns.exec({tool("sysctl"), "-w", "net.ipv4.ip_local_port_range=20000 60999"});
    ASSERT_EQ(set.exit_code, 0) << set.err;
    auto before = run({"check", "--host", "--netns", m_ns.name(), "--json"});
    EXPECT_EQ(before.exit_code, 1);
    json b = json::parse(before.out);
    bool error = false;
    for (const auto& f : b["findings"]) {
        error = error || (f["code"] == "ephemeral-not-reserved" && f["severity"] == "error");
    }
    EXPECT_TRUE(error) << before.out;

    // Apply the export with the real sysctl tool; the kernel then reports the reservation.
    const fs::path conf = m_dir.path() / "60-harmony-ports.conf";
    auto exported = run({"export", "--format", "sysctl", "--output", conf.string()});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    auto applied = m_ns.exec({tool("sysctl"), "-p", conf.string()});
    ASSERT_EQ(applied.exit_code, 0) << applied.err << applied.out;
    auto reserved = m_ns.exec({"/bin/cat", "/proc/sys/net/ipv4/ip_local_reserved_ports"});
    EXPECT_EQ(reserved.out, "25000-25999\n");

    auto after = run({"check", "--host", "--netns", m_ns.name(), "--json"});
    EXPECT_EQ(after.exit_code, 0) << after.out;
    const json after_json = json::parse(after.out);  // named: g++ 12 has no P2718
    for (const auto& f : after_json["findings"]) {
        EXPECT_NE(f["code"], "ephemeral-not-reserved") << f.dump();
        if (f["code"] == "range-overlaps-ephemeral" && f["platform"] == "linux") {
            EXPECT_EQ(f["severity"], "warning") << f.dump();
        }
    }

    // --scope allocations reserves exactly the allocated ports.
    auto only =
        run({"export", "--format", "sysctl", "--scope", "allocations", "--output", conf.string()});
    ASSERT_EQ(only.exit_code, 0) << only.err;
    ASSERT_EQ(m_ns.exec({tool("sysctl"), "-p", conf.string()}).exit_code, 0);
    reserved = m_ns.exec({"/bin/cat", "/proc/sys/net/ipv4/ip_local_reserved_ports"});
    EXPECT_EQ(reserved.out, "25080,25101-25103,25443\n");
}

TEST_F(HostCli, AllocateProbeSkipsAPortInUseRightNow) {
    // Where would "probe-me" land? Ask a copy of the registry, without probing.
    TempDir scratch;
    fs::copy_file(m_dir.path() / "harmony.network.ports.toml",
                  scratch.path() / "harmony.network.ports.toml");
    fs::copy_file(m_dir.path() / "harmony.toml", scratch.path() / "harmony.toml");
    auto plain = harmony_ports({"allocate", "probe-me"}, scratch.path());
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    const std::string port = plain.out.substr(0, plain.out.size() - 1);

    Listeners busy(m_ns, {"tcp6:" + port});
    auto probed = m_ns.exec({HARMONY_PORTS_BIN, "allocate", "probe-me", "--probe"}, m_dir.path());
    ASSERT_EQ(probed.exit_code, 0) << probed.err;
    EXPECT_NE(probed.out, plain.out);
    EXPECT_EQ(probed.out.size(), plain.out.size());  // still a port of the range
    // Without --probe the rule alone decides (same as the scratch copy).
    auto unprobed = harmony_ports({"allocate", "probe-me"}, scratch.path());
    EXPECT_EQ(unprobed.out, plain.out);
}

// A pre-fork server: the master (first by pid) and its worker hold the same socket. The
// worker is the process the registry expects, so the port is fine.
TEST_F(HostCli, ASocketSharedWithTheExpectedProcessIsNotTheWrongProcess) {
    Listeners shared(m_ns, {"--comm", "master", "--fork", "hp-web", "tcp4:25101"});
    json j = scan_json({});
    bool seen = false;
    for (const auto& row : j["rows"]) {
        if (row["first"] == 25101) {
            seen = true;
            EXPECT_EQ(row["verdict"], "ok") << row.dump();
        }
    }
    EXPECT_TRUE(seen) << j.dump();
    auto check = run({"check", "--host", "--netns", m_ns.name()});
    EXPECT_FALSE(contains(check.out, "wrong-process")) << check.out;
    // Held only by the master: wrong.
    Listeners alone(m_ns, {"--comm", "master", "tcp4:25102"});
    auto wrong = run({"check", "--host", "--netns", m_ns.name()});
    EXPECT_TRUE(contains(wrong.out, "api: 25102/tcp should be held by hp-api but master"))
        << wrong.out;
}

// Thousands of sockets span many netlink batches; both sources must see every one.
TEST_F(HostCli, ManySocketsAcrossNetlinkBatchesMatchTheProcFallback) {
    Listeners many(m_ns, {"tcp4:30000-31499", "udp6:40000-40499", "tcp6:25200-25299"});
    json netlink = scan_json({"--all-ports"});
    json proc = scan_json({"--all-ports", "--source", "proc"});
    // 2,100 sockets plus the not-listening rows of the registry.
    std::size_t sockets = 0;
    for (const auto& row : netlink["rows"]) {
        sockets += row["address"].is_null() ? 0 : 1;
        EXPECT_EQ(row["pid"].is_null(), row["address"].is_null()) << row.dump();
    }
    EXPECT_EQ(sockets, 2100U);
    EXPECT_EQ(netlink["rows"], proc["rows"]);
    json range = scan_json({});
    std::size_t in_range = 0;
    for (const auto& row : range["rows"]) {
        in_range += row["verdict"] == "unregistered" ? 1 : 0;
    }
    EXPECT_EQ(in_range, 100U);
}

TEST_F(HostCli, AllocateProbeAlsoSkipsPortsBoundWithoutListening) {
    TempDir scratch;
    fs::copy_file(m_dir.path() / "harmony.network.ports.toml",
                  scratch.path() / "harmony.network.ports.toml");
    auto plain = harmony_ports({"allocate", "bound-check"}, scratch.path());
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    const std::string port = plain.out.substr(0, plain.out.size() - 1);
    Listeners bound(m_ns, {"bnd4:" + port});  // bind() without listen(): not in `scan`
    auto probed =
        m_ns.exec({HARMONY_PORTS_BIN, "allocate", "bound-check", "--probe"}, m_dir.path());
    ASSERT_EQ(probed.exit_code, 0) << probed.err;
    EXPECT_NE(probed.out, plain.out);
}

TEST_F(HostCli, WithoutRootSocketsAreListedAndMissingOwnersAreExplained) {
    Listeners root_owned(m_ns, {"tcp4:25150"});
    const std::string nobody_runs = "--reuid=65534";
    auto can_run = m_ns.exec({tool("setpriv"), nobody_runs, "--regid=65534", "--clear-groups",
                              HARMONY_PORTS_BIN, "--version"});
    if (can_run.exit_code != 0) {
        GTEST_SKIP() << "the build folder is not readable by uid 65534: " << can_run.err;
    }
    // From a folder of its own: no registry above it, readable by uid 65534.
    TempDir home;
    fs::permissions(home.path(), fs::perms::owner_all | fs::perms::group_read |
                                     fs::perms::group_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
    auto r = m_ns.exec({tool("setpriv"), nobody_runs, "--regid=65534", "--clear-groups",
                        HARMONY_PORTS_BIN, "scan", "--json"},
                       home.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json j = json::parse(r.out);
    bool listed = false;
    for (const auto& row : j["rows"]) {
        if (row["first"] == 25150) {
            listed = true;
            EXPECT_TRUE(row["pid"].is_null());
            EXPECT_EQ(row["verdict"], "unregistered");
        }
    }
    EXPECT_TRUE(listed) << r.out;
    EXPECT_EQ(j["owners_complete"], false);
    EXPECT_TRUE(contains(r.err,
                         "harmony-ports: note: the owners of 1 socket(s) could not be "
                         "read: they belong to other users' processes; run as root"))
        << r.err;

    // Entering a namespace is root's business, and the message says so.
    auto netns = run_process({tool("setpriv"), nobody_runs, "--regid=65534", "--clear-groups",
                              HARMONY_PORTS_BIN, "scan", "--netns", m_ns.name()},
                             "/");
    EXPECT_EQ(netns.exit_code, 3);
    EXPECT_EQ(netns.err, "harmony-ports: error: cannot enter network namespace '" + m_ns.name() +
                             "': needs root (CAP_SYS_ADMIN)\n");
}

TEST_F(HostCli, UnknownOrBadNamespaceNamesAreClearErrors) {
    auto missing = run({"scan", "--netns", "hp-no-such-namespace"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_EQ(missing.err,
              "harmony-ports: error: no network namespace 'hp-no-such-namespace' "
              "(/run/netns/hp-no-such-namespace does not exist; see `ip netns list`)\n");
    auto bad = run({"scan", "--netns", "../../proc/1/ns/net"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "invalid network namespace name")) << bad.err;
    auto source = run({"scan", "--source", "magic"});
    EXPECT_EQ(source.exit_code, 2);
    EXPECT_EQ(source.err,
              "harmony-ports: error: unknown socket source 'magic': expected auto, "
              "netlink or proc\n");
    auto needs_host = run({"check", "--netns", m_ns.name()});
    EXPECT_EQ(needs_host.exit_code, 2) << needs_host.err;

    // A file under /run/netns that is not a namespace is bad input, not a broken host.
    const fs::path fake = "/run/netns/hp-not-a-netns-" + std::to_string(::getpid());
    write_text(fake, "");
    auto not_netns = run({"scan", "--netns", fake.filename().string()});
    fs::remove(fake);
    EXPECT_EQ(not_netns.exit_code, 2) << not_netns.err;
    EXPECT_EQ(not_netns.err,
              "harmony-ports: error: " + fake.string() + " is not a network namespace\n");
}
