// End-to-end: agents in two network namespaces ("two hosts") and a third host gone quiet
// publish to a real nats-server through the real binary; `check --fleet --json` judges them.
// Needs root (ip netns add) and nats-server; skipped with a reason otherwise. CI has both.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/nats_server.hpp"
#include "cli/netns.hpp"
#include "cli/run_process.hpp"

using namespace harmony::testing;
using nlohmann::json;

namespace {

class StoreAgentCli : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) {
            GTEST_SKIP() << "needs root to create network namespaces (CI runs as root)";
        }
        SKIP_WITHOUT_NATS_SERVER();
        m_nats = std::make_unique<NatsServer>();
        for (auto args : {std::vector<std::string>{"store", "init"},
                          std::vector<std::string>{"allocate", "web", "--port", "25101",
                                                   "--process", "hp-web"}}) {
            auto r = run(args);
            ASSERT_EQ(r.exit_code, 0) << r.err;
        }
    }
    ProcessResult run(const std::vector<std::string>& args) {
        return harmony_ports(args, m_dir.path(), {{"HARMONY_PORTS_STORE", m_nats->url()}});
    }
    ProcessResult agent(const std::string& host, const Netns& ns,
                        std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"agent", "--host", host, "--netns", ns.name()};
        args.insert(args.end(), extra.begin(), extra.end());
        return run(args);
    }
    TempDir m_dir;
    std::unique_ptr<NatsServer> m_nats;
};

// "host code port" for every finding that names a host.
std::multimap<std::string, std::string> by_host(const json& doc) {
    std::multimap<std::string, std::string> out;
    for (const auto& f : doc["findings"]) {
        if (f.contains("host")) {
            // Appended piecewise: GCC 12 at -O3 warns (-Wrestrict) on "literal" + string.
            std::string what = f["code"].get<std::string>();
            if (f.contains("first")) {
                what.append(" ").append(f["first"].dump());
            }
            out.emplace(f["host"].get<std::string>(), std::move(what));
        }
    }
    return out;
}

}  // namespace

TEST_F(StoreAgentCli, TwoHostsAndAStaleOneInCheckFleet) {
    Netns one, two;
    Listeners web(one, {"--comm", "hp-web", "tcp4:25101"});
    Listeners other(two, {"--comm", "hp-impostor", "tcp4:25101", "udp4:25150"});
    // The quiet host published once at a 1 s interval, more than three intervals ago.
    auto quiet = agent("node-quiet", one, {"--interval", "1", "--once"});
    ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
    std::this_thread::sleep_for(std::chrono::milliseconds(5200));
    auto a = agent("node-1", one, {"--once"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_NE(a.out.find("published host node-1 to "), std::string::npos) << a.out;
    auto b = agent("node-2", two, {"--once", "--json"});
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(json::parse(b.out)["sockets"].size(), 2U) << b.out;

    auto check = run({"check", "--fleet", "--json"});
    EXPECT_EQ(check.exit_code, 1) << check.err;  // node-2's errors
    const auto found = by_host(json::parse(check.out));
    EXPECT_EQ(found, (std::multimap<std::string, std::string>{
                         {"node-1", "not-listening 25080"},
                         {"node-1", "not-listening 25443"},
                         {"node-1", "ephemeral-not-reserved 25000"},
                         {"node-2", "wrong-process 25101"},
                         {"node-2", "port-in-use 25150"},
                         {"node-2", "not-listening 25080"},
                         {"node-2", "not-listening 25443"},
                         {"node-2", "ephemeral-not-reserved 25000"},
                         {"node-quiet", "host-stale"},
                     }))
        << check.out;
}

TEST_F(StoreAgentCli, ATopologyNamesClustersAndTheHostWithoutAReport) {
    Netns one;
    auto a = agent("node-1", one, {"--once"});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    write_text(m_dir.path() / "topology.toml",
               "[[cluster]]\nname = \"prod-a\"\nkind = \"bare-metal\"\n"
               "hosts = [\"node-1\", \"node-2\"]\nservices = [\"web\"]\n");
    auto check = run({"check", "--fleet", "--topology", "topology.toml", "--json"});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    const json doc = json::parse(check.out);
    std::multimap<std::string, std::string> clusters;
    for (const auto& f : doc["findings"]) {
        if (f.contains("host")) {
            clusters.emplace(f["host"].get<std::string>(),
                             f["code"].get<std::string>() + " " + f["cluster"].get<std::string>());
        }
    }
    EXPECT_EQ(clusters, (std::multimap<std::string, std::string>{
                            {"node-1", "not-listening prod-a"},
                            {"node-1", "ephemeral-not-reserved prod-a"},
                            {"node-2", "host-missing prod-a"},
                        }))
        << check.out;
}

TEST_F(StoreAgentCli, LoopsEveryIntervalUntilSigterm) {
    Netns one;
    auto r = run_process(
        {"/usr/bin/timeout", "--preserve-status", "-s", "TERM", "2.5", HARMONY_PORTS_BIN, "agent",
         "--host", "node-1", "--netns", one.name(), "--interval", "1"},
        m_dir.path(), {{"HARMONY_PORTS_STORE", m_nats->url()}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::size_t lines = 0;
    for (std::size_t at = 0; (at = r.out.find("published host node-1", at)) != std::string::npos;
         ++at) {
        ++lines;
    }
    EXPECT_GE(lines, 2U) << r.out;
}

TEST_F(StoreAgentCli, BadHostNamesAndIntervalsAreUsageErrors) {
    Netns one;
    EXPECT_EQ(agent("a b", one, {"--once"}).exit_code, 2);
    EXPECT_EQ(agent("node-1", one, {"--once", "--interval", "0x10"}).exit_code, 2);
    EXPECT_EQ(agent("node-1", one, {"--once", "--interval", "0"}).exit_code, 2);
}

TEST(AgentCli, AnUnreachableStoreIsExitThree) {
    TempDir dir;
    auto r = harmony_ports({"agent", "--host", "node-1", "--once"}, dir.path(),
                           {{"HARMONY_PORTS_STORE", "nats://127.0.0.1:1"}});
    EXPECT_EQ(r.exit_code, 3) << r.err;
}
