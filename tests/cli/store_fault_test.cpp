// The fleet store under faults: a server SIGKILLed and restarted, a cluster node (the stream
// leader or a follower) lost, clients SIGKILLed mid-allocation, a store that is not there.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>

#include <signal.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/store_support.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Failures while the store is down may only be "environment" (exit 3), never a wrong answer.
void expect_only_environment_failures(const AllocatingClients& clients) {
    for (const auto& r : clients.failures()) {
        EXPECT_EQ(r.exit_code, 3) << "signal " << r.signal << ": " << r.err;
    }
}

// Kills cluster node `victim` while four clients allocate; all they were told must stay.
void allocate_through_node_loss(NatsCluster& cluster, bool kill_leader) {
    TempDir work;
    const Args store = store_args(cluster.urls(), 20);
    auto init = hp(store, {"store", "init", "--replicas", "3"}, work.path());
    ASSERT_EQ(init.exit_code, 0) << init.err;
    int leader = -1;
    for (int i = 0; i < 100 && leader < 0; ++i, std::this_thread::sleep_for(50ms)) {
        leader = cluster.stream_leader();
    }
    ASSERT_GE(leader, 0) << "no leader for " << k_stream;
    const int victim = kill_leader ? leader : (leader + 1) % NatsCluster::k_size;
    AllocatingClients clients(store, work.path(), "c", 4);
    ASSERT_TRUE(clients.wait_for_acknowledged(20));
    cluster.kill(victim);
    const auto before = clients.acknowledged().size();
    EXPECT_TRUE(clients.wait_for_acknowledged(before + 20))
        << "allocations stopped after losing " << (kill_leader ? "the leader" : "a follower");
    clients.stop();
    expect_only_environment_failures(clients);
    // Listed while the node is still down (reads must work on a degraded cluster) ...
    expect_acknowledged_kept(clients.acknowledged(), listed_ports(store, work.path()));
    if (kill_leader) {
        EXPECT_NE(cluster.stream_leader(), victim);
    }
    // ... and again once it is back, so a read failure above is told apart from data loss.
    cluster.restart(victim);
    ASSERT_TRUE(cluster.wait_for_meta_leader());
    SCOPED_TRACE("after the node came back");
    expect_acknowledged_kept(clients.acknowledged(), listed_ports(store, work.path()));
}

std::vector<nlohmann::json> store_findings(const Args& store, const fs::path& cwd) {
    auto r = hp(store, {"check", "--json"}, cwd);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    std::vector<nlohmann::json> out;
    auto doc = nlohmann::json::parse(r.out, nullptr, false);
    if (!doc.is_object()) {
        ADD_FAILURE() << "check --json printed no JSON object: " << r.out << r.err;
        return out;
    }
    for (const auto& f : doc["findings"]) {
        if (f["code"].get<std::string>().starts_with("store-")) {
            out.push_back(f);
        }
    }
    return out;
}

}  // namespace

// One server with an initialized bucket; clients wait up to 20 s for it.
class StoreFaultOneServer : public ::testing::Test {
  protected:
    void SetUp() override {
        SKIP_WITHOUT_NATS_SERVER();
        server = std::make_unique<NatsServer>();
        store = store_args(server->url(), 20);
        auto init = hp(store, {"store", "init"}, work.path());
        ASSERT_EQ(init.exit_code, 0) << init.err;
    }
    std::unique_ptr<NatsServer> server;
    Args store;
    TempDir work;
};

TEST_F(StoreFaultOneServer, ServerKilledMidRunAndRestartedKeepsEveryAcknowledgedAllocation) {
    AllocatingClients clients(store, work.path(), "k", 4);
    ASSERT_TRUE(clients.wait_for_acknowledged(20));
    server->kill();
    std::this_thread::sleep_for(700ms);
    server->restart();
    const auto before = clients.acknowledged().size();
    EXPECT_TRUE(clients.wait_for_acknowledged(before + 20)) << "clients did not reconnect";
    clients.stop();
    expect_only_environment_failures(clients);
    expect_acknowledged_kept(clients.acknowledged(), listed_ports(store, work.path()));
}

TEST(StoreFault, ClusterLosingTheStreamLeaderKeepsAllocating) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsCluster cluster;
    allocate_through_node_loss(cluster, true);
}

TEST(StoreFault, ClusterLosingAFollowerKeepsAllocating) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsCluster cluster;
    allocate_through_node_loss(cluster, false);
}

TEST_F(StoreFaultOneServer, ClientsKilledMidAllocationLeaveOnlyRepairableLeftovers) {
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(hp(store, {"allocate", "calibration"}, work.path()).exit_code, 0);
    const auto one =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    std::mt19937 rng(20261202);
    std::uniform_int_distribution<long> delay_us(0, one * 3 / 2);
    std::map<std::string, int> acknowledged;
    int killed = 0;
    for (int round = 0; round < 40; ++round) {
        const std::string name = fmt::format("victim-{}", round);
        Args args = store;
        args.insert(args.end(), {"allocate", name});
        auto child = start_harmony_ports(args, work.path());
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
        ::kill(child.pid(), SIGKILL);
        auto r = child.finish();
        killed += r.signal == SIGKILL ? 1 : 0;
        if (r.exit_code == 0) {
            acknowledged[name] = std::stoi(r.out);
        }
    }
    EXPECT_GT(killed, 0);
    for (const auto& f : store_findings(store, work.path())) {
        EXPECT_TRUE(f["code"] == "store-orphan-claim" || f["code"] == "store-incomplete-record")
            << f.dump();
        EXPECT_EQ(f["severity"], "warning") << f.dump();
    }
    const auto leftovers = store_findings(store, work.path()).size();
    auto dry = hp(store, {"store", "repair", "--grace", "0", "--dry-run", "--json"}, work.path());
    EXPECT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_FALSE(nlohmann::json::parse(dry.out, nullptr, false).is_discarded()) << dry.out;
    EXPECT_EQ(store_findings(store, work.path()).size(), leftovers) << "a dry run repaired";
    auto repair = hp(store, {"store", "repair", "--grace", "0"}, work.path());
    EXPECT_EQ(repair.exit_code, 0) << repair.err;
    EXPECT_TRUE(store_findings(store, work.path()).empty()) << "repair left leftovers";
    ASSERT_EQ(hp(store, {"allocate", "after-the-storm"}, work.path()).exit_code, 0);
    expect_acknowledged_kept(acknowledged, listed_ports(store, work.path()));
    RecordProperty("killed", killed);
    RecordProperty("leftovers", static_cast<int>(leftovers));
    RecordProperty("completed", static_cast<int>(acknowledged.size()));
}

TEST(StoreFault, UnreachableStoreIsAnEnvironmentErrorWithinTheTimeout) {
    SKIP_WITHOUT_NATS_SERVER();
    TempDir work;
    const int port = closed_loopback_port();
    const std::string secret = "never-print-this-pw";
    const std::string where = fmt::format("127.0.0.1:{}", port);
    for (const Args& command : {Args{"list"}, Args{"allocate", "ntfy"}, Args{"store", "init"}}) {
        auto t0 = std::chrono::steady_clock::now();
        auto r = hp(store_args(fmt::format("nats://admin:{}@{}", secret, where), 1), command,
                    work.path());
        auto took = std::chrono::steady_clock::now() - t0;
        EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
        EXPECT_LT(took, 3s) << fmt::format("{}", fmt::join(command, " "));
        EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
        EXPECT_TRUE(contains_ci(r.err, "unreachable") || contains_ci(r.err, "refused")) << r.err;
        expect_no_secret(r, secret);
    }
}

namespace {

// Publishes `value` at `key` of the default bucket as a raw NATS client would (no checks).
void raw_put(const NatsServer& server, const std::string& key, const std::string& value) {
    const std::string reply = nats_exchange(
        server.port(),
        fmt::format("CONNECT {{\"verbose\":false}}\r\nPUB $KV.{}.{} {}\r\n{}\r\nPING\r\n", k_bucket,
                    key, value.size(), value));
    ASSERT_NE(reply.find("PONG"), std::string::npos) << reply;
}

}  // namespace

TEST_F(StoreFaultOneServer, GarbageKeysAreFindingsTheRestStaysUsableAndRepairRemovesThem) {
    auto web = hp(store, {"allocate", "web"}, work.path());
    ASSERT_EQ(web.exit_code, 0) << web.err;
    raw_put(*server, "name.garbage", "not json");
    raw_put(*server, "port.tcp.25999", "{]");
    raw_put(*server, "garbage", "{}");
    std::this_thread::sleep_for(300ms);
    auto list = hp(store, {"list", "--json"}, work.path());
    EXPECT_EQ(list.exit_code, 0) << list.err;
    EXPECT_EQ(listed_ports(store, work.path()).count("web"), 1U);
    auto pinned = hp(store, {"allocate", "thief", "--port", "25999"}, work.path());
    EXPECT_NE(pinned.exit_code, 0) << "a port under an unreadable claim was given away";
    EXPECT_EQ(hp(store, {"allocate", "after-garbage"}, work.path()).exit_code, 0);
    EXPECT_EQ(hp(store, {"store", "snapshot"}, work.path()).exit_code, 0);
    int invalid = 0;
    for (const auto& f : store_findings(store, work.path())) {
        invalid += f["code"] == "store-invalid-key" ? 1 : 0;
    }
    EXPECT_EQ(invalid, 3);
    auto repair = hp(store, {"store", "repair", "--grace", "0"}, work.path());
    EXPECT_EQ(repair.exit_code, 0) << repair.err;
    for (const char* key : {"name.garbage", "port.tcp.25999", "garbage"}) {
        EXPECT_NE(repair.out.find(key), std::string::npos) << "repair does not say " << key;
    }
    EXPECT_TRUE(store_findings(store, work.path()).empty());
    EXPECT_EQ(hp(store, {"allocate", "thief", "--port", "25999"}, work.path()).exit_code, 0);
    EXPECT_EQ(listed_ports(store, work.path()).count("web"), 1U);
}

TEST_F(StoreFaultOneServer, InitAfterALostConfigKeepsEveryAllocation) {
    auto web = hp(store, {"allocate", "web"}, work.path());
    ASSERT_EQ(web.exit_code, 0) << web.err;
    const int port = std::stoi(web.out);
    // A delete marker, as `nats kv del` writes it.
    const std::string reply = nats_exchange(
        server->port(),
        fmt::format("CONNECT {{\"verbose\":false,\"headers\":true}}\r\n"
                    "HPUB $KV.{}.config 31 31\r\nNATS/1.0\r\nKV-Operation: DEL\r\n\r\n\r\n"
                    "PING\r\n",
                    k_bucket));
    ASSERT_NE(reply.find("PONG"), std::string::npos) << reply;
    std::this_thread::sleep_for(300ms);
    auto list = hp(store, {"list"}, work.path());
    EXPECT_NE(list.exit_code, 0);
    EXPECT_NE(list.err.find("lost its registry config"), std::string::npos) << list.err;
    auto init = hp(store, {"store", "init"}, work.path());
    EXPECT_EQ(init.exit_code, 0) << init.err;
    EXPECT_NE(init.out.find("kept"), std::string::npos) << init.out;
    EXPECT_EQ(listed_ports(store, work.path())["web"], port);
    EXPECT_NE(
        hp(store, {"allocate", "thief", "--port", std::to_string(port)}, work.path()).exit_code, 0)
        << "the restored store gave a held port away";
}
