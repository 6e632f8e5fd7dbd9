// The test harness itself: real nats-servers start, answer, restart on their port with their
// data, and enforce the authentication the store tests rely on. Named Store* so that a
// `--gtest_filter='Store*'` run checks the harness first.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nats/nats.h>

#include "cli/nats_server.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

// A libnats connection: the same client library, and so the same subjects and handshakes, as
// the CLI's store uses.
struct Client {
    natsConnection* nc = nullptr;
    jsCtx* js = nullptr;
    kvStore* kv = nullptr;
    natsStatus status = NATS_OK;

    explicit Client(const std::string& url, const fs::path& creds = {}) {
        natsOptions* opts = nullptr;
        natsOptions_Create(&opts);
        // "nats://h1:p1,h2:p2": the store URL's list; libnats wants one URL per server.
        std::vector<std::string> servers;
        std::stringstream list(url.substr(url.find("://") + 3));
        for (std::string server; std::getline(list, server, ',');) {
            servers.push_back(url.substr(0, url.find("://") + 3) + server);
        }
        std::vector<const char*> pointers;
        for (const auto& server : servers) {
            pointers.push_back(server.c_str());
        }
        natsOptions_SetServers(opts, pointers.data(), static_cast<int>(pointers.size()));
        natsOptions_SetTimeout(opts, 3000);
        if (!creds.empty()) {
            natsOptions_SetUserCredentialsFromFiles(opts, creds.c_str(), nullptr);
        }
        status = natsConnection_Connect(&nc, opts);
        natsOptions_Destroy(opts);
        if (status == NATS_OK) {
            jsOptions js_opts;
            jsOptions_Init(&js_opts);
            js_opts.Wait = 2000;  // a denied publish is only ever a timeout
            status = natsConnection_JetStream(&js, nc, &js_opts);
        }
    }
    ~Client() {
        kvStore_Destroy(kv);
        jsCtx_Destroy(js);
        natsConnection_Destroy(nc);
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    natsStatus create_bucket(int replicas = 1) {
        kvConfig config;
        kvConfig_Init(&config);
        config.Bucket = k_bucket;
        config.Replicas = replicas;
        return js_CreateKeyValue(&kv, js, &config);
    }
    natsStatus bind() { return js_KeyValue(&kv, js, k_bucket); }
    natsStatus put(const char* key, const char* value) {
        uint64_t revision = 0;
        return kvStore_PutString(&revision, kv, key, value);
    }
    std::string get(const char* key) {
        kvEntry* e = nullptr;
        if (kvStore_Get(&e, kv, key) != NATS_OK) {
            return "<missing>";
        }
        std::string value = kvEntry_ValueString(e);
        kvEntry_Destroy(e);
        return value;
    }
};

// Sends CONNECT (with `fields`) and PING the way a client would; returns the server's reply.
std::string connect_raw(int port, const std::string& fields) {
    return nats_exchange(port, "CONNECT {\"verbose\":false," + fields + "}\r\nPING\r\n");
}

}  // namespace

TEST(StoreHarness, ServerAnswersWithJetStreamOnAFreeLoopbackPort) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server;
    EXPECT_EQ(server.url(), "nats://127.0.0.1:" + std::to_string(server.port()));
    auto info = read_info_line(server.port());
    EXPECT_TRUE(info.starts_with("INFO {")) << info;
    EXPECT_NE(info.find("\"jetstream\":true"), std::string::npos) << info;
    server.stop();
    EXPECT_EQ(read_info_line(server.port()), "");
}

TEST(StoreHarness, KilledServerRestartsOnItsPortWithItsData) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server;
    const int port = server.port();
    {
        Client c(server.url());
        ASSERT_EQ(c.status, NATS_OK);
        ASSERT_EQ(c.create_bucket(), NATS_OK);
        ASSERT_EQ(c.put("k", "before the crash"), NATS_OK);
    }
    server.kill();
    EXPECT_EQ(read_info_line(port), "");
    server.restart();
    EXPECT_EQ(server.port(), port);
    Client c(server.url());
    ASSERT_EQ(c.status, NATS_OK);
    ASSERT_EQ(c.bind(), NATS_OK);
    EXPECT_EQ(c.get("k"), "before the crash");
}

TEST(StoreHarness, UsersAndTokensAreEnforced) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer users({.users = {{"admin", "pw-full"}, {"reader", "pw-read", true}}});
    EXPECT_EQ(connect_raw(users.port(), R"("user":"admin","pass":"pw-full")"), "PONG");
    EXPECT_NE(connect_raw(users.port(), R"("user":"admin","pass":"nope")").find("Authorization"),
              std::string::npos);
    NatsServer token({.token = "tok-123"});
    EXPECT_EQ(connect_raw(token.port(), R"("auth_token":"tok-123")"), "PONG");
    EXPECT_NE(connect_raw(token.port(), R"("auth_token":"tok-x")").find("Authorization"),
              std::string::npos);
}

TEST(StoreHarness, ReadOnlyUserReadsTheBucketButCannotWriteIt) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.users = {{"admin", "pw-full"}, {"reader", "pw-read", true}}});
    const std::string at = "@127.0.0.1:" + std::to_string(server.port());
    Client admin("nats://admin:pw-full" + at);
    ASSERT_EQ(admin.status, NATS_OK);
    ASSERT_EQ(admin.create_bucket(), NATS_OK);
    ASSERT_EQ(admin.put("a.b", "v1"), NATS_OK);
    Client reader("nats://reader:pw-read" + at);
    ASSERT_EQ(reader.status, NATS_OK);
    ASSERT_EQ(reader.bind(), NATS_OK) << nats_GetLastError(nullptr);
    EXPECT_EQ(reader.get("a.b"), "v1");
    kvKeysList keys;
    ASSERT_EQ(kvStore_Keys(&keys, reader.kv, nullptr), NATS_OK) << nats_GetLastError(nullptr);
    EXPECT_EQ(keys.Count, 1);
    kvKeysList_Destroy(&keys);
    kvWatcher* watcher = nullptr;
    ASSERT_EQ(kvStore_WatchAll(&watcher, reader.kv, nullptr), NATS_OK);
    kvEntry* seen = nullptr;
    ASSERT_EQ(kvWatcher_Next(&seen, watcher, 3000), NATS_OK);
    ASSERT_NE(seen, nullptr);
    EXPECT_STREQ(kvEntry_Key(seen), "a.b");
    kvEntry_Destroy(seen);
    kvWatcher_Destroy(watcher);
    EXPECT_NE(reader.put("a.c", "denied"), NATS_OK);
    EXPECT_EQ(admin.get("a.c"), "<missing>");
    EXPECT_NE(server.log().find("Publish Violation"), std::string::npos);
}

TEST(StoreHarness, TlsServerRequiresTlsAndItsCertificatesVerify) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.tls = true, .verify_clients = true});
    EXPECT_TRUE(server.url().starts_with("tls://127.0.0.1:"));
    auto info = read_info_line(server.port());
    EXPECT_NE(info.find("\"tls_required\":true"), std::string::npos) << info;
    auto r = run_process({"/usr/bin/openssl", "verify", "-CAfile", server.ca_file().string(),
                          (server.dir() / "server.pem").string(), server.client_cert().string()},
                         server.dir());
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(StoreHarness, CredsFileFromMakeCredsConnectsAndUsesJetStream) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.operator_mode = true});
    const auto creds = read_text(server.creds_file());
    EXPECT_TRUE(creds.starts_with("-----BEGIN NATS USER JWT-----\n")) << creds;
    EXPECT_NE(creds.find("-----BEGIN USER NKEY SEED-----\nSU"), std::string::npos);
    Client anonymous(server.url());
    EXPECT_NE(anonymous.status, NATS_OK) << "operator mode let a client in without a JWT";
    Client c(server.url(), server.creds_file());
    ASSERT_EQ(c.status, NATS_OK) << nats_GetLastError(nullptr) << server.log();
    ASSERT_EQ(c.create_bucket(), NATS_OK) << nats_GetLastError(nullptr);
    ASSERT_EQ(c.put("k", "signed"), NATS_OK);
    EXPECT_EQ(c.get("k"), "signed");
}

TEST(StoreHarness, ClusterElectsLeadersAndSurvivesLosingOne) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsCluster cluster;
    const auto urls = cluster.urls();
    EXPECT_EQ(std::count(urls.begin(), urls.end(), ','), 2) << urls;
    Client c(cluster.urls());
    ASSERT_EQ(c.status, NATS_OK) << nats_GetLastError(nullptr) << "\n" << cluster.node(0).log();
    ASSERT_EQ(c.create_bucket(3), NATS_OK) << nats_GetLastError(nullptr);
    ASSERT_EQ(c.put("k", "replicated"), NATS_OK);
    int leader = -1;
    for (int i = 0; i < 100 && leader < 0; ++i) {
        leader = cluster.stream_leader();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_GE(leader, 0);
    cluster.kill(leader);
    int next = -1;
    for (int i = 0; i < 200 && (next < 0 || next == leader); ++i) {
        next = cluster.stream_leader();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_GE(next, 0);
    EXPECT_NE(next, leader);
    cluster.restart(leader);
    EXPECT_TRUE(cluster.wait_for_meta_leader());
}
