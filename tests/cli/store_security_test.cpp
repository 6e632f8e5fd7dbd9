// Reaching a fleet store that asks who you are: user/password in the URL, a token, TLS (with
// and without client certificates), a .creds file, and a read-only user. No output of any
// command may show a password, token or seed.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/store_support.hpp"

using namespace harmony::testing;

namespace {

// Runs a command and checks that none of `secrets` appears in what it printed.
class Guarded {
  public:
    explicit Guarded(std::vector<std::string> secrets) : m_secrets(std::move(secrets)) {}
    ProcessResult operator()(const Args& global, const Args& args,
                             std::map<std::string, std::string> env = {}) {
        auto r = hp(global, args, m_work.path(), std::move(env));
        for (const auto& s : m_secrets) {
            expect_no_secret(r, s);
        }
        return r;
    }

  private:
    std::vector<std::string> m_secrets;
    TempDir m_work;
};

std::string with_user(const NatsServer& server, const std::string& user, const std::string& pw) {
    return fmt::format("nats://{}:{}@127.0.0.1:{}", user, pw, server.port());
}

}  // namespace

TEST(StoreSecurity, UserAndPasswordInTheUrl) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.users = {{"admin", "pw-admin-7f3a"}}});
    Guarded run({"pw-admin-7f3a", "pw-wrong-91c2"});
    const Args admin = store_args(with_user(server, "admin", "pw-admin-7f3a"));
    auto init = run(admin, {"store", "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    auto allocated = run(admin, {"allocate", "ntfy"});
    EXPECT_EQ(allocated.exit_code, 0) << allocated.err;
    auto wrong = run(store_args(with_user(server, "admin", "pw-wrong-91c2")), {"list"});
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
    EXPECT_TRUE(contains_ci(wrong.err, "authoriz")) << wrong.err;
    auto anonymous = run(store_args(server.url()), {"list"});
    EXPECT_EQ(anonymous.exit_code, 3) << anonymous.err;
}

TEST(StoreSecurity, ReadOnlyUserReadsButCannotAllocate) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.users = {{"admin", "pw-admin-5d1e"}, {"reader", "pw-read-22b0", true}}});
    Guarded run({"pw-admin-5d1e", "pw-read-22b0"});
    const Args admin = store_args(with_user(server, "admin", "pw-admin-5d1e"));
    ASSERT_EQ(run(admin, {"store", "init"}).exit_code, 0);
    ASSERT_EQ(run(admin, {"allocate", "ntfy"}).exit_code, 0);
    const Args reader = store_args(with_user(server, "reader", "pw-read-22b0"));
    for (const Args& command : {Args{"list"}, Args{"list", "--json"}, Args{"check"},
                                Args{"store", "snapshot"}, Args{"export", "--format", "json"}}) {
        auto r = run(reader, command);
        EXPECT_EQ(r.exit_code, 0) << fmt::format("{}: {}", fmt::join(command, " "), r.err);
    }
    EXPECT_EQ(run(reader, {"store", "snapshot"}).out, run(admin, {"store", "snapshot"}).out);
    for (const Args& command : {Args{"allocate", "web"}, Args{"release", "ntfy"}}) {
        auto r = run(reader, command);
        EXPECT_EQ(r.exit_code, 3) << fmt::format("{}: {}", fmt::join(command, " "), r.err);
        EXPECT_TRUE(contains_ci(r.err, "permission")) << r.err;
    }
    auto listed = run(admin, {"list", "--json"});
    EXPECT_NE(listed.out.find("\"ntfy\""), std::string::npos) << listed.out;
    EXPECT_EQ(listed.out.find("\"web\""), std::string::npos) << "a read-only user allocated";
}

TEST(StoreSecurity, TokenFromTheEnvironment) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.token = "tok-8c41e2"});
    Guarded run({"tok-8c41e2", "tok-bad-0000"});
    const Args store = store_args(server.url());
    const std::map<std::string, std::string> good{{"HARMONY_PORTS_STORE_TOKEN", "tok-8c41e2"}};
    auto init = run(store, {"store", "init"}, good);
    ASSERT_EQ(init.exit_code, 0) << init.err;
    EXPECT_EQ(run(store, {"allocate", "ntfy"}, good).exit_code, 0);
    auto wrong = run(store, {"list"}, {{"HARMONY_PORTS_STORE_TOKEN", "tok-bad-0000"}});
    EXPECT_EQ(wrong.exit_code, 3) << wrong.err;
    EXPECT_TRUE(contains_ci(wrong.err, "authoriz")) << wrong.err;
    EXPECT_EQ(run(store, {"list"}).exit_code, 3);
}

TEST(StoreSecurity, TlsWithTheCaAndWithoutIt) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.tls = true});
    Guarded run({});
    const Args store = store_args(server.url());
    Args trusted = store;
    trusted.insert(trusted.end(), {"--store-tls-ca", server.ca_file().string()});
    auto init = run(trusted, {"store", "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    EXPECT_EQ(run(trusted, {"allocate", "ntfy"}).exit_code, 0);
    auto untrusted = run(store, {"list"});
    EXPECT_EQ(untrusted.exit_code, 3) << untrusted.err;
}

TEST(StoreSecurity, TlsServerThatVerifiesClientsNeedsTheClientCertificate) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.tls = true, .verify_clients = true});
    Guarded run({});
    Args ca_only = store_args(server.url());
    ca_only.insert(ca_only.end(), {"--store-tls-ca", server.ca_file().string()});
    Args with_cert = ca_only;
    with_cert.insert(with_cert.end(), {"--store-tls-cert", server.client_cert().string(),
                                       "--store-tls-key", server.client_key().string()});
    auto init = run(with_cert, {"store", "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    EXPECT_EQ(run(with_cert, {"allocate", "ntfy"}).exit_code, 0);
    auto refused = run(ca_only, {"list"});
    EXPECT_EQ(refused.exit_code, 3) << refused.err;
}

TEST(StoreSecurity, CredsFile) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server({.operator_mode = true});
    const auto creds = read_text(server.creds_file());
    const std::string begin = "-----BEGIN USER NKEY SEED-----\n";
    ASSERT_NE(creds.find(begin), std::string::npos);
    const auto seed_at = creds.find(begin) + begin.size();
    const std::string seed = creds.substr(seed_at, creds.find('\n', seed_at) - seed_at);
    Guarded run({seed});
    Args store = store_args(server.url());
    Args with_creds = store;
    with_creds.insert(with_creds.end(), {"--store-creds", server.creds_file().string()});
    auto init = run(with_creds, {"store", "init"});
    ASSERT_EQ(init.exit_code, 0) << init.err << "\nserver log:\n" << server.log();
    EXPECT_EQ(run(with_creds, {"allocate", "ntfy"}).exit_code, 0);
    auto listed = run(with_creds, {"list", "--json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_NE(listed.out.find("\"ntfy\""), std::string::npos);
    auto without = run(store, {"list"});
    EXPECT_EQ(without.exit_code, 3) << without.err;
}
