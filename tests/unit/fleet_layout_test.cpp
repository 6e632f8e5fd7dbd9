// The fleet store's pure parts: store URLs (parse and redact) and the bucket's key layout
// (encode, then materialize what a bucket holds back into the registry). No server needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include <harmony/network/fleet_store.hpp>

#include "fleet/layout.hpp"

using namespace harmony::network;
using fleet::Leftover;
using fleet::RawMap;

namespace {

// The column a parse error names ("column N"), or 0 when it names none.
int error_column(std::string_view text) {
    auto url = parse_store_url(text);
    EXPECT_FALSE(url) << text;
    if (url) {
        return 0;
    }
    EXPECT_EQ(url.error().code, ErrorCode::invalid_argument) << url.error().message;
    const auto at = url.error().message.find("column ");
    return at == std::string::npos ? 0 : std::stoi(url.error().message.substr(at + 7));
}

TEST(StoreUrl, DefaultsArePort4222AndTheHarmonyPortsBucket) {
    auto url = parse_store_url("nats://h1");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_FALSE(url->tls);
    ASSERT_EQ(url->servers.size(), 1U);
    EXPECT_EQ(url->servers[0].host, "h1");
    EXPECT_EQ(url->servers[0].port, 4222);
    EXPECT_EQ(url->bucket, "harmony-ports");
    EXPECT_EQ(url->user, "");
    EXPECT_EQ(url->password, "");
}

TEST(StoreUrl, SeveralServersTlsAndABucket) {
    auto url = parse_store_url("tls://h1:4223,h2,10.0.0.3:7000/fleet_A-1");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_TRUE(url->tls);
    ASSERT_EQ(url->servers.size(), 3U);
    EXPECT_EQ(url->servers[0].host, "h1");
    EXPECT_EQ(url->servers[0].port, 4223);
    EXPECT_EQ(url->servers[1].host, "h2");
    EXPECT_EQ(url->servers[1].port, 4222);
    EXPECT_EQ(url->servers[2].host, "10.0.0.3");
    EXPECT_EQ(url->servers[2].port, 7000);
    EXPECT_EQ(url->bucket, "fleet_A-1");
}

TEST(StoreUrl, UserAndPasswordWithPercentEscapes) {
    auto url = parse_store_url("nats://ops%40site:p%3Aw%2Fd%25@h1:4222");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_EQ(url->user, "ops@site");
    EXPECT_EQ(url->password, "p:w/d%");
    ASSERT_EQ(url->servers.size(), 1U);
    EXPECT_EQ(url->servers[0].host, "h1");
}

TEST(StoreUrl, ALoneUserFieldIsATokenWithoutPassword) {
    auto url = parse_store_url("nats://s3cr3t-token@h1");
    ASSERT_TRUE(url) << url.error().message;
    EXPECT_EQ(url->user, "s3cr3t-token");
    EXPECT_EQ(url->password, "");
}

TEST(StoreUrl, IPv6InBrackets) {
    auto url = parse_store_url("nats://[::1]:4222,[fe80::2]");
    ASSERT_TRUE(url) << url.error().message;
    ASSERT_EQ(url->servers.size(), 2U);
    EXPECT_EQ(url->servers[0].host, "::1");
    EXPECT_EQ(url->servers[0].port, 4222);
    EXPECT_EQ(url->servers[1].host, "fe80::2");
    EXPECT_EQ(url->servers[1].port, 4222);
}

TEST(StoreUrl, BadInputsNameTheirColumn) {
    EXPECT_EQ(error_column("http://h1:4222"), 1);  // no nats:// or tls://
    EXPECT_EQ(error_column("h1:4222"), 1);
    EXPECT_EQ(error_column("nats://"), 8);  // empty host
    EXPECT_EQ(error_column("nats://h1,,h2"), 11);
    EXPECT_EQ(error_column("nats://:4222"), 8);
    EXPECT_EQ(error_column("nats://h1:0"), 11);  // the port's first character
    EXPECT_EQ(error_column("nats://h1:65536"), 11);
    EXPECT_EQ(error_column("nats://h1:abc"), 11);
    EXPECT_EQ(error_column("nats://h1:"), 10);  // the ':' with nothing after it
    EXPECT_EQ(error_column("nats://h1,h2:99999"), 14);
    EXPECT_EQ(error_column("nats://[::1"), 8);
    EXPECT_EQ(error_column("nats://h1/bad.bucket"), 14);  // the '.'
    EXPECT_EQ(error_column("nats://h1/"), 11);            // an empty bucket
    EXPECT_EQ(error_column("nats://h1/" + std::string(49, 'b')), 11);
    EXPECT_EQ(error_column("nats://u:p%4@h1"), 8);  // a short escape
    EXPECT_EQ(error_column("nats://" + std::string(5000, 'h')), 1);
}

// A blank or quote ends a URL where a message quotes it, so raw ones in the credentials could
// escape redaction: they must be %XX escapes; and an escape is two hex digits, nothing else.
TEST(StoreUrl, CredentialsTakeNoRawBlanksOrQuotesAndOnlyHexEscapes) {
    EXPECT_EQ(error_column("nats://u:a\"b@h1"), 11);
    EXPECT_EQ(error_column("nats://u:a b@h1"), 11);
    EXPECT_EQ(error_column("nats://u:a'b@h1"), 11);
    EXPECT_GT(error_column("nats://u:%+1@h1"), 0);
    EXPECT_GT(error_column("nats://u:% f@h1"), 0);
    auto escaped = parse_store_url("nats://u:a%22b%20c@h1");
    ASSERT_TRUE(escaped) << escaped.error().message;
    EXPECT_EQ(escaped->password, "a\"b c");
    EXPECT_EQ(redact_store_url("nats://u:a%22b%20c@h1").find("a%22"), std::string::npos);
}

TEST(StoreUrl, ErrorsShowTheUrlRedacted) {
    auto url = parse_store_url("nats://admin:hunter2@h1:0");
    ASSERT_FALSE(url);
    EXPECT_EQ(url.error().message.find("hunter2"), std::string::npos) << url.error().message;
    EXPECT_NE(url.error().message.find("admin:***@h1:0"), std::string::npos) << url.error().message;
}

TEST(RedactStoreUrl, HidesThePasswordAndKeepsTheUser) {
    EXPECT_EQ(redact_store_url("nats://admin:hunter2@h1:4222/b"), "nats://admin:***@h1:4222/b");
    EXPECT_EQ(redact_store_url("tls://admin:a:b@c@h1"), "tls://admin:***@h1");
}

TEST(RedactStoreUrl, HidesALoneToken) {
    EXPECT_EQ(redact_store_url("nats://s3cr3t@h1:4222"), "nats://***@h1:4222");
}

TEST(RedactStoreUrl, WorksOnUrlsInsideALongerMessage) {
    EXPECT_EQ(redact_store_url("cannot reach 'nats://u:pw@h1:4222' (then nats://tok@h2): refused"),
              "cannot reach 'nats://u:***@h1:4222' (then nats://***@h2): refused");
}

TEST(RedactStoreUrl, LeavesTextWithoutCredentialsUnchanged) {
    for (std::string_view text :
         {"", "no url here", "nats://h1:4222,h2:4222/harmony-ports", "mail me@example.org",
          "timeout after 5000 ms: nats://[::1]:4222"}) {
        EXPECT_EQ(redact_store_url(text), text);
    }
}

// ---------------------------------------------------------------------------------------------
// The key layout.

TimePoint at(std::string_view text) {
    auto t = parse_time(text);
    EXPECT_TRUE(t) << text;
    return t ? *t : TimePoint{};
}

Registry sample_registry() {
    Registry r;
    r.range = PortRange{25000, 25999};
    r.quarantine_days = 45;
    r.pools = {{"metrics", {25090, 25099}, false, {}}, {"future-scores", {25550, 25599}, true, {}}};
    r.allocations = {
        {"ceph-rgw", {25080, 25080}, Protocols::tcp, "", "", "", "", {}},
        {"dns", {25053, 25054}, Protocols::tcp_udp, "", "", "", "", {}},
        {"prometheus",
         {25090, 25092},
         Protocols::tcp,
         "metrics",
         "ops team",
         "scrape; v2",
         "prometheus",
         {}},
        {"syslog", {25514, 25514}, Protocols::udp, "", "", "", "rsyslogd", {}},
    };
    r.released = {{"old-web",
                   {25101, 25102},
                   Protocols::tcp,
                   at("2026-11-01T10:00:00Z"),
                   at("2026-12-16T10:00:00Z"),
                   {}}};
    canonicalize(r);
    return r;
}

RawMap raw_of(const fleet::Encoded& keys) {
    RawMap raw;
    std::uint64_t revision = 0;
    for (const auto& [key, value] : keys) {
        raw[key] = fleet::RawEntry{value, ++revision, false, 1'700'000'000'000'000'000};
    }
    return raw;
}

// The canonical encoding: equal for two registries exactly when they hold the same entries.
fleet::Encoded encoded(const Registry& r) {
    auto keys = fleet::encode(r);
    EXPECT_TRUE(keys) << keys.error().message;
    return keys ? *keys : fleet::Encoded{};
}

TEST(FleetLayout, KeysAreConfigNamesAndOneClaimPerPortAndProtocol) {
    const auto keys = encoded(sample_registry());
    EXPECT_TRUE(keys.contains("config"));
    EXPECT_TRUE(keys.contains("name.dns"));
    EXPECT_TRUE(keys.contains("port.tcp.25053"));
    EXPECT_TRUE(keys.contains("port.udp.25054"));
    EXPECT_TRUE(keys.contains("port.tcp.25092"));
    EXPECT_FALSE(keys.contains("port.udp.25092"));
    EXPECT_TRUE(keys.contains("port.udp.25514"));
    EXPECT_TRUE(keys.contains("port.tcp.25102"));  // quarantine holds its claims
    EXPECT_FALSE(keys.contains("name.old-web"));
    // 1 config + 4 records + (1 + 4 + 3 + 1) claims + 2 quarantine claims.
    EXPECT_EQ(keys.size(), 16U);
    EXPECT_EQ(keys.at("port.tcp.25080"), R"({"service":"ceph-rgw","first":25080,"last":25080})");
}

TEST(FleetLayout, EncodeThenMaterializeGivesTheSameRegistry) {
    const Registry original = sample_registry();
    auto m = fleet::materialize(raw_of(encoded(original)), "test");
    EXPECT_TRUE(m.has_config);
    EXPECT_TRUE(m.leftovers.empty());
    EXPECT_TRUE(m.held.empty());
    EXPECT_TRUE(is_canonical(m.registry));
    EXPECT_EQ(encoded(m.registry), encoded(original));
    EXPECT_EQ(m.registry.range.first, 25000);
    EXPECT_EQ(m.registry.quarantine_days, 45);
    ASSERT_EQ(m.registry.pools.size(), 2U);
    ASSERT_EQ(m.registry.allocations.size(), 4U);
    const auto& prometheus = m.registry.allocations[2];
    EXPECT_EQ(prometheus.name, "prometheus");
    EXPECT_EQ(prometheus.pool, "metrics");
    EXPECT_EQ(prometheus.owner, "ops team");
    EXPECT_EQ(prometheus.notes, "scrape; v2");
    EXPECT_EQ(prometheus.process, "prometheus");
    EXPECT_EQ(prometheus.ports.last, 25092);
    ASSERT_EQ(m.registry.released.size(), 1U);
    EXPECT_EQ(m.registry.released[0].name, "old-web");
    EXPECT_EQ(m.registry.released[0].until, at("2026-12-16T10:00:00Z"));
}

TEST(FleetLayout, AWritersTxnTokenDoesNotChangeWhatAValueMeans) {
    const Registry original = sample_registry();
    RawMap raw = raw_of(encoded(original));
    for (auto& [key, entry] : raw) {
        entry.value = fleet::with_txn(entry.value, "t-42");
        EXPECT_EQ(fleet::txn_of(entry.value), "t-42") << key;
    }
    auto m = fleet::materialize(raw, "test");
    EXPECT_EQ(encoded(m.registry), encoded(original));
}

TEST(FleetLayout, DeletedKeysAreGone) {
    RawMap raw = raw_of(encoded(sample_registry()));
    raw["name.dns"].deleted = true;
    for (auto key : {"port.tcp.25053", "port.tcp.25054", "port.udp.25053", "port.udp.25054"}) {
        raw[key].deleted = true;
    }
    auto m = fleet::materialize(raw, "test");
    EXPECT_EQ(m.registry.allocations.size(), 3U);
    EXPECT_TRUE(m.leftovers.empty());
}

TEST(FleetLayout, AClaimWithoutItsRecordIsAnOrphanAndStaysTaken) {
    RawMap raw = raw_of(encoded(sample_registry()));
    raw["port.tcp.25300"] = {R"({"service":"x","first":25300,"last":25300})", 99, false,
                             1'800'000'000'000'000'000};
    auto m = fleet::materialize(raw, "test");
    EXPECT_EQ(m.registry.allocations.size(), 4U);
    ASSERT_EQ(m.leftovers.size(), 1U);
    const Leftover& orphan = m.leftovers[0];
    EXPECT_EQ(orphan.kind, Leftover::Kind::orphan_claim);
    EXPECT_EQ(orphan.key, "port.tcp.25300");
    EXPECT_EQ(orphan.service, "x");
    ASSERT_TRUE(orphan.ports);
    EXPECT_EQ(orphan.ports->first, 25300);
    EXPECT_EQ(orphan.protocols, Protocols::tcp);
    EXPECT_EQ(orphan.created_ns, 1'800'000'000'000'000'000);
    ASSERT_EQ(m.held.size(), 1U);
    EXPECT_EQ(m.held[0].name, "x");
    EXPECT_EQ(m.held[0].ports.first, 25300);
    EXPECT_EQ(m.held[0].ports.last, 25300);
    EXPECT_EQ(m.held[0].protocols, Protocols::tcp);
}

TEST(FleetLayout, ARecordWithMissingClaimsIsIncompleteAndNotAnAllocation) {
    RawMap raw = raw_of(encoded(sample_registry()));
    raw.erase("port.tcp.25091");  // prometheus holds 25090-25092/tcp
    auto m = fleet::materialize(raw, "test");
    ASSERT_EQ(m.registry.allocations.size(), 3U);
    for (const auto& a : m.registry.allocations) {
        EXPECT_NE(a.name, "prometheus");
    }
    ASSERT_EQ(m.leftovers.size(), 3U);  // the record and its two remaining claims
    std::size_t incomplete = 0;
    for (const auto& l : m.leftovers) {
        EXPECT_EQ(l.service, "prometheus");
        if (l.kind == Leftover::Kind::incomplete_record) {
            ++incomplete;
            EXPECT_EQ(l.key, "name.prometheus");
            ASSERT_TRUE(l.ports);
            EXPECT_EQ(l.ports->first, 25090);
            EXPECT_EQ(l.ports->last, 25092);
        }
    }
    EXPECT_EQ(incomplete, 1U);
    EXPECT_EQ(m.held.size(), 2U);  // the claims it did write stay taken
}

TEST(FleetLayout, ARecordWhoseClaimsNameAnotherServiceIsIncomplete) {
    RawMap raw = raw_of(encoded(sample_registry()));
    raw["name.web"] = {R"({"name":"web","first":25080,"last":25080,"protocols":"tcp",)"
                       R"("pool":"","owner":"","notes":"","process":""})",
                       99, false, 0};
    auto m = fleet::materialize(raw, "test");
    ASSERT_EQ(m.leftovers.size(), 1U);
    EXPECT_EQ(m.leftovers[0].kind, Leftover::Kind::incomplete_record);
    EXPECT_EQ(m.leftovers[0].service, "web");
    EXPECT_EQ(m.registry.allocations.size(), 4U);
}

TEST(FleetLayout, NoConfigKeyIsNoRegistry) {
    auto m = fleet::materialize({}, "test");
    EXPECT_FALSE(m.has_config);
    EXPECT_TRUE(m.registry.allocations.empty());
}

// materialize(raw + {key: value}) reads the rest and reports the key, naming the store and
// it; a claim key's port stays taken.
void expect_invalid(std::string_view key, std::string_view value) {
    SCOPED_TRACE(std::string(key) + " = " + std::string(value));
    RawMap raw = raw_of(encoded(sample_registry()));
    const bool is_config = key == "config";
    raw.insert_or_assign(std::string(key), fleet::RawEntry{std::string(value), 99, false, 0});
    auto m = fleet::materialize(raw, "nats://h1:4222/harmony-ports");
    ASSERT_EQ(m.leftovers.size(), 1U);
    const Leftover& left = m.leftovers[0];
    EXPECT_EQ(left.kind, Leftover::Kind::invalid_key);
    EXPECT_EQ(left.key, key);
    EXPECT_NE(left.problem.find("key " + std::string(key)), std::string::npos) << left.problem;
    EXPECT_EQ(left.problem.rfind("nats://h1:4222/harmony-ports: ", 0), 0U) << left.problem;
    EXPECT_EQ(m.has_config, !is_config);
    EXPECT_EQ(m.registry.allocations.size(), 4U) << "the sound keys are read on";
    if (key.starts_with("port.tcp.25") || key.starts_with("port.udp.25")) {
        ASSERT_EQ(m.held.size(), 1U) << "an unreadable claim still holds its port";
        EXPECT_EQ(m.held[0].ports.first, 25300);
        EXPECT_EQ(m.held[0].name, fleet::k_unreadable_holder);
    } else {
        EXPECT_TRUE(m.held.empty());
    }
}

TEST(FleetLayout, MalformedKeysAreReportedAndTheRestIsRead) {
    expect_invalid("port.tcp.25300", "not json");
    expect_invalid("port.tcp.25300", "[1,2]");
    expect_invalid("port.tcp.25300", R"({"service":"x","first":"25300","last":25300})");
    expect_invalid("port.tcp.25300", R"({"service":7,"first":25300,"last":25300})");
    expect_invalid("port.tcp.25300", R"({"service":"x","first":25300,"last":65536})");
    expect_invalid("port.tcp.25300", R"({"service":"x","first":25301,"last":25302})");
    expect_invalid("port.tcp.25300", R"({"service":"x","first":25300,"last":25299})");
    expect_invalid("port.tcp.25300", R"({"service":"Bad Name","first":25300,"last":25300})");
    expect_invalid("port.udp.25300", R"({"released":"x","first":25300,"last":25300,)"
                                     R"("protocols":"udp","released_at":"yesterday",)"
                                     R"("until":"2026-12-16T10:00:00Z"})");
    expect_invalid("name.x", R"({"name":"y","first":25300,"last":25300,"protocols":"tcp",)"
                             R"("pool":"","owner":"","notes":"","process":""})");
    expect_invalid("name.x", R"({"name":"x","first":25300,"last":25300,"protocols":"sctp",)"
                             R"("pool":"","owner":"","notes":"","process":""})");
    expect_invalid("name.x", R"({"name":"x","first":25300,"last":25300,"protocols":"tcp"})");
    expect_invalid("config", R"({"schema_version":2,"first":25000,"last":25999,)"
                             R"("quarantine_days":30,"pools":[]})");
    expect_invalid("config", R"({"schema_version":1,"first":25000,"last":25999,)"
                             R"("quarantine_days":30,"pools":{}})");
    expect_invalid("config", R"({"schema_version":1,"first":25000,"last":25999,)"
                             R"("quarantine_days":30,"pools":[{"name":"p","first":1,)"
                             R"("last":2,"reserved":false}]})");
    expect_invalid("config", R"({"schema_version":1,"first":25000,"last":25999,)"
                             R"("quarantine_days":30,"pools":[{"name":"p","first":25001,)"
                             R"("last":25002,"reserved":"yes"}]})");
    // Keys this store never writes.
    expect_invalid("hosts.node-1", "{}");
    expect_invalid("port.sctp.25300", R"({"service":"x","first":25300,"last":25300})");
    expect_invalid("port.tcp.70000", R"({"service":"x","first":25300,"last":25300})");
}

TEST(FleetLayout, TwoEntriesOnOneClaimKeyCannotBeEncoded) {
    Registry r = sample_registry();
    r.allocations.push_back({"clash", {25080, 25080}, Protocols::tcp, "", "", "", "", {}});
    auto keys = fleet::encode(r);
    ASSERT_FALSE(keys);
    EXPECT_EQ(keys.error().code, ErrorCode::invalid_registry);
    EXPECT_NE(keys.error().message.find("port.tcp.25080"), std::string::npos)
        << keys.error().message;
}

}  // namespace

namespace {

// `raw` plus the parts of a replacement by `next` (committed when `commit`), parts cut small.
RawMap with_replacement(RawMap raw, const Registry& next, bool commit) {
    const auto target = encoded(next);
    const auto parts = fleet::intent_parts(target, 300);
    EXPECT_GT(parts.size(), 2U) << "the test wants several parts";
    std::uint64_t revision = 1000;
    for (std::size_t n = 0; n < parts.size(); ++n) {
        raw[fleet::intent_part_key("t1", n)] = {parts[n], ++revision, false, 0};
    }
    if (commit) {
        raw["intent"] = {fleet::intent_value("t1", parts.size(), target.size()), ++revision, false,
                         0};
    }
    return raw;
}

Registry smaller_registry() {
    Registry r = sample_registry();
    r.allocations.erase(r.allocations.begin());
    r.allocations.push_back({"newcomer", {25700, 25700}, Protocols::udp, "", "", "", "", {}});
    canonicalize(r);
    return r;
}

}  // namespace

TEST(FleetLayout, ACommittedReplacementIsWhatReadersSeeWhateverTheKeysHoldYet) {
    RawMap raw = with_replacement(raw_of(encoded(sample_registry())), smaller_registry(), true);
    auto m = fleet::materialize(raw, "test");
    ASSERT_TRUE(m.intent);
    EXPECT_EQ(m.intent->txn, "t1");
    EXPECT_TRUE(m.leftovers.empty());
    EXPECT_EQ(encoded(m.registry), encoded(smaller_registry()));
    // Half applied: still the new registry.
    raw.erase("name.ceph-rgw");
    raw["port.udp.25700"] = {R"({"service":"newcomer","first":25700,"last":25700})", 2000, false,
                             0};
    EXPECT_EQ(encoded(fleet::materialize(raw, "test").registry), encoded(smaller_registry()));
}

TEST(FleetLayout, PartsNeverCommittedAreLeftoversAndChangeNothing) {
    RawMap raw = with_replacement(raw_of(encoded(sample_registry())), smaller_registry(), false);
    auto m = fleet::materialize(raw, "test");
    EXPECT_FALSE(m.intent);
    EXPECT_EQ(encoded(m.registry), encoded(sample_registry()));
    ASSERT_FALSE(m.leftovers.empty());
    for (const auto& left : m.leftovers) {
        EXPECT_EQ(left.kind, Leftover::Kind::stale_intent_part) << left.key;
    }
}

TEST(FleetLayout, ACommitWithAMissingPartIsReportedAndTheKeysAreRead) {
    RawMap raw = with_replacement(raw_of(encoded(sample_registry())), smaller_registry(), true);
    raw.erase(fleet::intent_part_key("t1", 1));
    auto m = fleet::materialize(raw, "test");
    EXPECT_FALSE(m.intent);
    EXPECT_EQ(encoded(m.registry), encoded(sample_registry()));
    const auto invalid = std::count_if(m.leftovers.begin(), m.leftovers.end(), [](const auto& l) {
        return l.kind == Leftover::Kind::invalid_key && l.key == "intent";
    });
    EXPECT_EQ(invalid, 1) << "the broken commit is reported";
}
