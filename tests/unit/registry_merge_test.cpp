// merge_registries: the three-way merge of registry content, entry by entry, and the port
// check that keeps a merged registry free of duplicates.
#include <gtest/gtest.h>

#include <harmony/network/registry_file.hpp>
#include <harmony/network/registry_merge.hpp>

using namespace harmony::network;

namespace {

Allocation service(std::string name, Port port, std::string owner = {}) {
    Allocation a;
    a.name = std::move(name);
    a.ports = PortRange{port, port};
    a.owner = std::move(owner);
    return a;
}

Released quarantine(std::string name, Port port, int from_day, int until_day) {
    TimePoint day0 = *parse_time("2026-11-01T00:00:00Z");
    return Released{std::move(name),
                    PortRange{port, port},
                    Protocols::tcp,
                    day0 + std::chrono::days(from_day),
                    day0 + std::chrono::days(until_day),
                    {}};
}

Registry registry(std::vector<Allocation> allocations, std::vector<Released> released = {}) {
    Registry r;
    r.pools.push_back(Pool{"metrics", PortRange{25090, 25099}, false, {}});
    r.allocations = std::move(allocations);
    r.released = std::move(released);
    canonicalize(r);
    return r;
}

const Allocation* named(const Registry& r, std::string_view name) {
    for (const auto& a : r.allocations) {
        if (a.name == name) {
            return &a;
        }
    }
    return nullptr;
}

std::vector<std::string> names(const Registry& r) {
    std::vector<std::string> out;
    for (const auto& a : r.allocations) {
        out.push_back(a.name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The merged registry renders and loads back: the promise every result keeps.
void expect_loads(const Registry& r) {
    auto back = parse_registry(render_registry(r, RegistryFormat::toml), RegistryFormat::toml,
                               "merged", r.range);
    EXPECT_TRUE(back.has_value()) << back.error().message;
}

TEST(RegistryMerge, AdditionsOnBothSidesAreKept) {
    Registry base = registry({service("a", 25100)});
    auto m = merge_registries(base, registry({service("a", 25100), service("b", 25200)}),
                              registry({service("a", 25100), service("c", 25300)}));
    EXPECT_TRUE(m.conflicts.empty());
    EXPECT_EQ(names(m.merged), (std::vector<std::string>{"a", "b", "c"}));
    expect_loads(m.merged);
}

TEST(RegistryMerge, TheSameAdditionOnBothSidesIsTakenOnce) {
    Registry base = registry({});
    Registry both = registry({service("b", 25200, "team")});
    auto m = merge_registries(base, both, both);
    EXPECT_TRUE(m.conflicts.empty());
    EXPECT_EQ(m.merged.allocations.size(), 1U);
}

TEST(RegistryMerge, FieldsChangedOnDifferentEntriesOrFieldsAreKeptFromBoth) {
    Registry base = registry({service("a", 25100), service("b", 25200)});
    Registry ours = base;
    ours.allocations[0].owner = "team-a";   // a: owner
    ours.allocations[1].notes = "b notes";  // b: notes
    Registry theirs = base;
    theirs.allocations[0].process = "nginx";  // a: process
    theirs.allocations[1].owner = "team-b";   // b: owner
    auto m = merge_registries(base, ours, theirs);
    EXPECT_TRUE(m.conflicts.empty());
    EXPECT_EQ(named(m.merged, "a")->owner, "team-a");
    EXPECT_EQ(named(m.merged, "a")->process, "nginx");
    EXPECT_EQ(named(m.merged, "b")->notes, "b notes");
    EXPECT_EQ(named(m.merged, "b")->owner, "team-b");
}

TEST(RegistryMerge, OneFieldChangedDifferentlyIsAConflictKeepingOurs) {
    Registry base = registry({service("a", 25100, "x")});
    auto m = merge_registries(base, registry({service("a", 25100, "ours")}),
                              registry({service("a", 25100, "theirs")}));
    ASSERT_EQ(m.conflicts.size(), 1U);
    EXPECT_EQ(m.conflicts[0].kind, MergeConflictKind::same_field);
    EXPECT_EQ(m.conflicts[0].subject, "a");
    EXPECT_NE(m.conflicts[0].message.find("owner"), std::string::npos);
    EXPECT_NE(m.conflicts[0].message.find("\"theirs\""), std::string::npos);
    EXPECT_EQ(named(m.merged, "a")->owner, "ours");
}

TEST(RegistryMerge, BothAddingOneNameWithDifferentMetadataFillsEmptyFields) {
    Registry base = registry({});
    Allocation ours = service("a", 25100, "team");
    Allocation theirs = service("a", 25100);
    theirs.notes = "from theirs";
    auto m = merge_registries(base, registry({ours}), registry({theirs}));
    EXPECT_TRUE(m.conflicts.empty());
    EXPECT_EQ(named(m.merged, "a")->owner, "team");
    EXPECT_EQ(named(m.merged, "a")->notes, "from theirs");
}

TEST(RegistryMerge, AReleaseOnOneSideIsTaken) {
    Registry base = registry({service("a", 25100), service("b", 25200)});
    Registry theirs = registry({service("b", 25200)}, {quarantine("a", 25100, 1, 31)});
    auto m = merge_registries(base, base, theirs);
    EXPECT_TRUE(m.conflicts.empty());
    EXPECT_EQ(names(m.merged), (std::vector<std::string>{"b"}));
    ASSERT_EQ(m.merged.released.size(), 1U);
    EXPECT_EQ(m.merged.released[0].name, "a");
}

TEST(RegistryMerge, AReleaseAgainstAChangeKeepsTheChangedAllocation) {
    Registry base = registry({service("a", 25100)});
    Registry released = registry({}, {quarantine("a", 25100, 1, 31)});
    Registry changed = registry({service("a", 25100, "new owner")});
    for (bool ours_released : {true, false}) {
        auto m = ours_released ? merge_registries(base, released, changed)
                               : merge_registries(base, changed, released);
        ASSERT_EQ(m.conflicts.size(), 1U);
        EXPECT_EQ(m.conflicts[0].kind, MergeConflictKind::removed_vs_changed);
        EXPECT_EQ(m.conflicts[0].remedy, MergeRemedy::release_again);
        EXPECT_NE(m.conflicts[0].message.find("released on"), std::string::npos);
        ASSERT_NE(named(m.merged, "a"), nullptr);
        EXPECT_EQ(named(m.merged, "a")->owner, "new owner");
        EXPECT_TRUE(m.merged.released.empty()) << "the release lost: its quarantine goes";
        expect_loads(m.merged);
    }
}

TEST(RegistryMerge, ARemovalWithoutReleaseAgainstAChangeSaysRemoved) {
    Registry base = registry({service("a", 25100)});
    auto m = merge_registries(base, registry({}), registry({service("a", 25100, "x")}));
    ASSERT_EQ(m.conflicts.size(), 1U);
    EXPECT_NE(m.conflicts[0].message.find("removed on ours"), std::string::npos);
}

TEST(RegistryMerge, TwoNamesOnOnePortKeepOursAndLeaveTheirsOut) {
    Registry base = registry({});
    Allocation theirs = service("t", 25150, "team t");
    theirs.protocols = Protocols::tcp_udp;
    auto m = merge_registries(base, registry({service("o", 25150)}), registry({theirs}));
    ASSERT_EQ(m.conflicts.size(), 1U);
    const auto& c = m.conflicts[0];
    EXPECT_EQ(c.kind, MergeConflictKind::same_port);
    EXPECT_EQ(c.remedy, MergeRemedy::allocate_again);
    ASSERT_TRUE(c.dropped.has_value());
    EXPECT_EQ(c.dropped->owner, "team t");
    EXPECT_NE(c.message.find("port 25150/tcp"), std::string::npos);
    EXPECT_EQ(names(m.merged), (std::vector<std::string>{"o"}));
    expect_loads(m.merged);
}

TEST(RegistryMerge, BlocksThatOverlapOnASharedProtocolClash) {
    Registry base = registry({});
    Allocation ours = service("o", 25150);
    ours.ports = PortRange{25150, 25159};
    Allocation theirs_udp = service("u", 25155);
    theirs_udp.protocols = Protocols::udp;  // no shared protocol: no clash
    Allocation theirs = service("t", 25158);
    theirs.ports = PortRange{25158, 25161};
    auto m = merge_registries(base, registry({ours}), registry({theirs_udp, theirs}));
    ASSERT_EQ(m.conflicts.size(), 1U);
    EXPECT_EQ(m.conflicts[0].subject, "t");
    EXPECT_EQ(names(m.merged), (std::vector<std::string>{"o", "u"}));
}

TEST(RegistryMerge, APortOursHoldsInQuarantineIsNotGivenToTheirsName) {
    Registry base = registry({service("a", 25100)});
    // Ours released a; theirs removed a by hand and gave its port to b.
    Registry ours = registry({}, {quarantine("a", 25100, 1, 31)});
    Registry theirs = registry({service("b", 25100)});
    auto m = merge_registries(base, ours, theirs);
    ASSERT_EQ(m.conflicts.size(), 1U);
    EXPECT_EQ(m.conflicts[0].kind, MergeConflictKind::same_port);
    EXPECT_NE(m.conflicts[0].message.find("quarantine for a"), std::string::npos);
    EXPECT_TRUE(m.merged.allocations.empty());
    EXPECT_EQ(m.merged.released.size(), 1U);
}

TEST(RegistryMerge, OneNameAtTwoPortsKeepsOurs) {
    Registry base = registry({});
    auto m =
        merge_registries(base, registry({service("a", 25100)}), registry({service("a", 25200)}));
    ASSERT_EQ(m.conflicts.size(), 1U);
    EXPECT_EQ(m.conflicts[0].kind, MergeConflictKind::two_ports);
    EXPECT_NE(m.conflicts[0].message.find("25200/tcp on theirs"), std::string::npos);
    EXPECT_EQ(named(m.merged, "a")->ports.first, 25100);
}

TEST(RegistryMerge, TheirsMovingANameOntoOursNewServiceMovesItBack) {
    Registry base = registry({service("a", 25100)});
    Registry ours = registry({service("a", 25100), service("b", 25300)});
    Registry theirs = registry({service("a", 25300)});
    auto m = merge_registries(base, ours, theirs);
    ASSERT_EQ(m.conflicts.size(), 1U);
    EXPECT_EQ(m.conflicts[0].kind, MergeConflictKind::same_port);
    EXPECT_EQ(named(m.merged, "a")->ports.first, 25100);
    EXPECT_EQ(named(m.merged, "b")->ports.first, 25300);
    expect_loads(m.merged);
}

TEST(RegistryMerge, APoolRemovedUnderTheOtherSidesAllocationKeepsOursUnchanged) {
    Registry base = registry({});
    Registry ours = base;
    ours.pools.clear();
    ours.allocations.push_back(service("x", 25095));  // the default pool now covers it
    Allocation in_pool = service("m", 25091);
    in_pool.pool = "metrics";
    Registry theirs = registry({in_pool});
    auto m = merge_registries(base, ours, theirs);
    ASSERT_EQ(m.conflicts.size(), 1U);
    EXPECT_EQ(m.conflicts[0].kind, MergeConflictKind::invalid_result);
    EXPECT_NE(m.conflicts[0].message.find("metrics"), std::string::npos);
    EXPECT_EQ(names(m.merged), (std::vector<std::string>{"x"}));
}

TEST(RegistryMerge, QuarantineChangedOnBothSidesHoldsTheLongest) {
    Registry base = registry({}, {quarantine("a", 25100, 1, 31)});
    auto m = merge_registries(base, registry({}, {quarantine("a", 25100, 1, 40)}),
                              registry({}, {quarantine("a", 25100, 0, 35)}));
    EXPECT_TRUE(m.conflicts.empty());
    ASSERT_EQ(m.merged.released.size(), 1U);
    EXPECT_EQ(m.merged.released[0].until, quarantine("a", 25100, 0, 40).until);
    EXPECT_EQ(m.merged.released[0].released_at, quarantine("a", 25100, 0, 40).released_at);
}

TEST(RegistryMerge, AQuarantineEndedOnOneSideEnds) {
    Registry base = registry({}, {quarantine("a", 25100, 1, 31)});
    auto m = merge_registries(base, registry({}), base);
    EXPECT_TRUE(m.conflicts.empty());
    EXPECT_TRUE(m.merged.released.empty());
}

TEST(RegistryMerge, SettingsMergeThreeWay) {
    Registry base = registry({});
    Registry ours = base;
    ours.quarantine_days = 10;
    auto clean = merge_registries(base, ours, base);
    EXPECT_EQ(clean.merged.quarantine_days, 10);
    Registry theirs = base;
    theirs.quarantine_days = 20;
    auto m = merge_registries(base, ours, theirs);
    ASSERT_EQ(m.conflicts.size(), 1U);
    EXPECT_EQ(m.conflicts[0].subject, "quarantine_days");
    EXPECT_EQ(m.merged.quarantine_days, 10);
}

TEST(RegistryMerge, PoolsMergeByName) {
    Registry base = registry({});
    Registry ours = base;
    ours.pools.push_back(Pool{"new-ours", PortRange{25700, 25709}, false, {}});
    Registry theirs = base;
    theirs.pools[0].reserved = true;
    auto m = merge_registries(base, ours, theirs);
    EXPECT_TRUE(m.conflicts.empty());
    ASSERT_EQ(m.merged.pools.size(), 2U);
    EXPECT_TRUE(m.merged.pools[0].reserved);
    Registry theirs_moved = base;
    theirs_moved.pools[0].ports = PortRange{25090, 25095};
    Registry ours_moved = base;
    ours_moved.pools[0].ports = PortRange{25090, 25098};
    auto conflicting = merge_registries(base, ours_moved, theirs_moved);
    ASSERT_EQ(conflicting.conflicts.size(), 1U);
    EXPECT_EQ(conflicting.merged.pools[0].ports.last, 25098);
}

TEST(RegistryMerge, ConflictMarkersAreRefusedWithTheLine) {
    std::string text = "schema_version = 1\n<<<<<<< HEAD\n[[allocation]]\n=======\n>>>>>>> b\n";
    for (auto format : {RegistryFormat::toml, RegistryFormat::yaml}) {
        auto r = parse_registry(text, format, "reg.toml", k_adr014_range);
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().code, ErrorCode::parse_error);
        EXPECT_EQ(r.error().message.rfind("reg.toml:2:1: unresolved git merge conflict", 0), 0U)
            << r.error().message;
        EXPECT_EQ(r.error().hint.kind, HintKind::merge_conflict);
    }
    // A marker-like text inside a value is not a marker.
    auto fine = parse_registry(
        "schema_version = 1\n[[allocation]]\nname = \"a\"\nport = 25100\nprotocols = "
        "[\"tcp\"]\nnotes = \"<<<<<<< not a marker\"\n",
        RegistryFormat::toml, "reg.toml", k_adr014_range);
    EXPECT_TRUE(fine.has_value()) << fine.error().message;
}

}  // namespace
