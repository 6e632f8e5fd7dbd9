// diff_registries: every kind of change, which ones break the registry's promises, the order.
#include <gtest/gtest.h>

#include <harmony/network/registry_diff.hpp>

using namespace harmony::network;

namespace {

TimePoint at(std::string_view text) {
    return parse_time(text).value();
}

const TimePoint k_now = at("2026-06-01T00:00:00Z");

Allocation allocation(std::string name, Port first, Port last = 0,
                      Protocols protocols = Protocols::tcp) {
    Allocation a;
    a.name = std::move(name);
    a.ports = {first, last == 0 ? first : last};
    a.protocols = protocols;
    return a;
}

Released quarantine(std::string name, Port port, std::string_view until) {
    Released r;
    r.name = std::move(name);
    r.ports = {port, port};
    r.released_at = at("2026-01-01T00:00:00Z");
    r.until = at(until);
    return r;
}

Registry with(std::vector<Allocation> allocations, std::vector<Released> released = {}) {
    Registry r = absent_registry(k_adr014_range);
    r.allocations = std::move(allocations);
    r.released = std::move(released);
    return r;
}

// "kind name" for each change, and whether it breaks: what a reviewer reads first.
std::vector<std::string> summary(const std::vector<RegistryDiffChange>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) {
        std::string s(to_string(c.kind));
        s += " ";
        s += c.name;
        s += c.breaking ? " !" : "";
        out.push_back(std::move(s));
    }
    return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST(RegistryDiff, SameRegistryHasNoChanges) {
    Registry r = adr014_default_registry();
    EXPECT_TRUE(diff_registries(r, r, k_now).empty());
}

TEST(RegistryDiff, AbsentRegistryMakesEverythingAdded) {
    auto changes =
        diff_registries(absent_registry(k_adr014_range), adr014_default_registry(), k_now);
    EXPECT_EQ(summary(changes),
              (Lines{"pool-added control-plane", "pool-added future-scores", "pool-added metrics",
                     "added ceph-rgw", "added internal-https"}));
    EXPECT_EQ(count_breaking(changes), 0U);
    EXPECT_EQ(changes[3].message, "'ceph-rgw' added on 25080/tcp");
    EXPECT_EQ(to_string(*changes[3].after), "25080/tcp");
    EXPECT_FALSE(changes[3].before.has_value());
    EXPECT_EQ(changes[1].message, "pool 'future-scores' added on 25550-25599 reserved");
}

TEST(RegistryDiff, ReleaseIntoQuarantineIsNotBreaking) {
    Registry before = with({allocation("old", 25100)});
    Registry after = with({}, {quarantine("old", 25100, "2026-07-01T00:00:00Z")});
    auto changes = diff_registries(before, after, k_now);
    ASSERT_EQ(summary(changes), (Lines{"released old"}));
    EXPECT_EQ(changes[0].message,
              "'old' released: 25100/tcp quarantined until 2026-07-01T00:00:00Z");
    EXPECT_EQ(changes[0].until, at("2026-07-01T00:00:00Z"));
}

TEST(RegistryDiff, RemovalWithoutQuarantineBreaks) {
    auto changes = diff_registries(with({allocation("old", 25100)}), with({}), k_now);
    ASSERT_EQ(summary(changes), (Lines{"removed old !"}));
    EXPECT_EQ(changes[0].message,
              "'old' removed without release: 25100/tcp has no quarantine "
              "and may go to another name at once");
}

TEST(RegistryDiff, RemovalIsAReleaseWhenTheRegistryKeepsNoQuarantine) {
    Registry after = with({});
    after.quarantine_days = 0;
    Registry before = with({allocation("old", 25100)});
    before.quarantine_days = 0;
    EXPECT_EQ(summary(diff_registries(before, after, k_now)), (Lines{"released old"}));
}

TEST(RegistryDiff, PortsOrProtocolsChangedIsAMove) {
    Registry before = with({allocation("bar", 25300), allocation("udp", 25400)});
    Registry after =
        with({allocation("bar", 25301), allocation("udp", 25400, 0, Protocols::tcp_udp)});
    auto changes = diff_registries(before, after, k_now);
    ASSERT_EQ(summary(changes), (Lines{"moved bar !", "moved udp !"}));
    EXPECT_EQ(changes[0].message,
              "'bar' moved from 25300/tcp to 25301/tcp: a placed name keeps its ports");
    EXPECT_EQ(to_string(*changes[1].after), "25400/tcp+udp");
}

TEST(RegistryDiff, EachMetadataFieldIsOneChange) {
    Allocation a = allocation("baz", 25200);
    a.owner = "a";
    Allocation b = a;
    b.owner = "b";
    b.notes = "new\x1b[31m";
    b.process = "bazd";
    b.pool = "metrics";
    auto changes = diff_registries(with({a}), with({b}), k_now);
    ASSERT_EQ(summary(changes),
              (Lines{"changed baz", "changed baz", "changed baz", "changed baz"}));
    EXPECT_EQ(changes[0].field, "notes");            // fields in name order
    EXPECT_EQ(changes[0].new_value, "new\x1b[31m");  // the data, as it is
    EXPECT_EQ(changes[0].message, "'baz' notes changed from \"\" to \"new\\x1b[31m\"");
    EXPECT_EQ(changes[1].field, "owner");
    EXPECT_EQ(changes[1].message, "'baz' owner changed from \"a\" to \"b\"");
    EXPECT_EQ(changes[2].field, "pool");
    EXPECT_EQ(changes[3].field, "process");
}

TEST(RegistryDiff, QuarantinedNameTakingBackItsPortIsReclaimed) {
    Registry before = with({}, {quarantine("old", 25100, "2026-07-01T00:00:00Z")});
    Registry after = with({allocation("old", 25100)});
    auto changes = diff_registries(before, after, k_now);
    ASSERT_EQ(summary(changes), (Lines{"reclaimed old"}));
    EXPECT_EQ(changes[0].message,
              "'old' allocated again on 25100/tcp, taken back from its quarantine");
}

TEST(RegistryDiff, QuarantineDroppedAfterItsEndHasEnded) {
    Registry before = with({}, {quarantine("old", 25100, "2026-05-01T00:00:00Z")});
    auto changes = diff_registries(before, with({}), k_now);
    ASSERT_EQ(summary(changes), (Lines{"quarantine-ended old"}));
    EXPECT_EQ(changes[0].message,
              "quarantine of 25100/tcp for 'old' ended at 2026-05-01T00:00:00Z");
}

TEST(RegistryDiff, QuarantineEndingExactlyNowHasEnded) {
    Registry before = with({}, {quarantine("old", 25100, "2026-06-01T00:00:00Z")});
    EXPECT_EQ(summary(diff_registries(before, with({}), k_now)), (Lines{"quarantine-ended old"}));
}

TEST(RegistryDiff, QuarantineDroppedEarlyBreaks) {
    Registry before = with({}, {quarantine("old", 25100, "2026-07-01T00:00:00Z")});
    auto changes = diff_registries(before, with({}), k_now);
    ASSERT_EQ(summary(changes), (Lines{"quarantine-dropped old !"}));
    EXPECT_EQ(changes[0].message,
              "quarantine of 25100/tcp for 'old' dropped before its end at 2026-07-01T00:00:00Z");
}

TEST(RegistryDiff, AnotherNameOnAQuarantinedPortViolatesIt) {
    Registry before = with({}, {quarantine("old", 25100, "2026-07-01T00:00:00Z")});
    Registry after = with({allocation("web", 25100, 25101)});
    auto changes = diff_registries(before, after, k_now);
    // The quarantine's loss is the violation, not also a drop.
    ASSERT_EQ(summary(changes), (Lines{"added web", "quarantine-violated web !"}));
    EXPECT_EQ(changes[1].quarantine_of, "old");
    EXPECT_EQ(changes[1].message,
              "'web' given 25100-25101/tcp, in quarantine for 'old' until 2026-07-01T00:00:00Z");
}

TEST(RegistryDiff, AnotherProtocolOnAQuarantinedPortIsNoViolation) {
    Registry before = with({}, {quarantine("old", 25100, "2026-05-01T00:00:00Z"),
                                quarantine("tcp", 25200, "2026-07-01T00:00:00Z")});
    Registry after = with({allocation("web", 25100), allocation("dns", 25200, 0, Protocols::udp)},
                          {quarantine("tcp", 25200, "2026-07-01T00:00:00Z")});
    EXPECT_EQ(summary(diff_registries(before, after, k_now)),
              (Lines{"added dns", "quarantine-ended old", "added web"}));
}

TEST(RegistryDiff, QuarantineEndMovedEarlierBreaksLaterDoesNot) {
    Registry before = with({}, {quarantine("a", 25100, "2026-07-01T00:00:00Z"),
                                quarantine("b", 25101, "2026-07-01T00:00:00Z")});
    Registry after = with({}, {quarantine("a", 25100, "2026-06-15T00:00:00Z"),
                               quarantine("b", 25101, "2026-08-01T00:00:00Z")});
    auto changes = diff_registries(before, after, k_now);
    ASSERT_EQ(summary(changes), (Lines{"changed a !", "changed b"}));
    EXPECT_EQ(changes[0].field, "until");
    EXPECT_EQ(changes[0].new_value, "2026-06-15T00:00:00Z");
}

TEST(RegistryDiff, HandAddedQuarantineIsReported) {
    Registry after = with({}, {quarantine("gone", 25100, "2026-07-01T00:00:00Z")});
    EXPECT_EQ(summary(diff_registries(with({}), after, k_now)), (Lines{"quarantine-added gone"}));
}

TEST(RegistryDiff, PoolsAddedRemovedAndChanged) {
    Registry before = adr014_default_registry();
    Registry after = before;
    after.pools.erase(after.pools.begin());  // metrics
    after.pools[0].ports = {25500, 25529};   // control-plane
    after.pools[1].reserved = false;         // future-scores
    after.pools.push_back(Pool{"edge", {25600, 25609}, true, {}});
    auto changes = diff_registries(before, after, k_now);
    ASSERT_EQ(summary(changes), (Lines{"pool-changed control-plane", "pool-added edge",
                                       "pool-changed future-scores", "pool-removed metrics"}));
    EXPECT_EQ(changes[0].message,
              "pool 'control-plane' ports changed from 25500-25519 to 25500-25529");
    EXPECT_EQ(changes[2].field, "reserved");
    EXPECT_EQ(changes[2].old_value, "true");
    EXPECT_EQ(changes[3].message, "pool 'metrics' removed (was 25090-25099)");
    EXPECT_EQ(count_breaking(changes), 0U);
}

TEST(RegistryDiff, SettingsComeFirst) {
    Registry before = with({allocation("a", 25100)});
    Registry after = with({allocation("a", 25100), allocation("b", 25101)});
    after.quarantine_days = 7;
    after.range = {25000, 25499};
    auto changes = diff_registries(before, after, k_now);
    ASSERT_EQ(summary(changes),
              (Lines{"setting-changed quarantine_days", "setting-changed range", "added b"}));
    EXPECT_EQ(changes[0].message, "the registry's quarantine_days changed from 30 to 7");
    EXPECT_EQ(changes[1].old_value, "25000-25999");
}

TEST(RegistryDiff, KindsHaveStableNames) {
    EXPECT_EQ(to_string(ChangeKind::quarantine_violated), "quarantine-violated");
    EXPECT_EQ(to_string(ChangeKind::setting_changed), "setting-changed");
    EXPECT_EQ(to_string(ChangeKind::pool_removed), "pool-removed");
    EXPECT_EQ(to_string(ChangeKind::reclaimed), "reclaimed");
}
