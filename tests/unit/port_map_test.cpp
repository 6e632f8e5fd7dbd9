// The port map model (states, precedence, aggregation), its text and JSON renderings, and the
// Prometheus metrics of a check.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <harmony/network/metrics.hpp>
#include <harmony/network/port_map.hpp>

using namespace harmony::network;

namespace {

Registry sample() {
    Registry r;
    r.range = {25000, 25999};
    r.pools = {{"metrics", {25090, 25099}, false, {}}, {"future", {25550, 25599}, true, {}}};
    Allocation web;
    web.name = "web";
    web.ports = {25100, 25100};
    Allocation prom;
    prom.name = "prom";
    prom.ports = {25091, 25091};
    prom.pool = "metrics";
    Allocation pinned;
    pinned.name = "pinned";
    pinned.ports = {25560, 25560};
    pinned.pool = "future";
    r.allocations = {web, prom, pinned};
    Released old;
    old.name = "old";
    old.ports = {25200, 25201};
    r.released = {old};
    return r;
}

PortMap map_of(const Registry& r, PortMapInput input = {}) {
    auto map = build_port_map(r, std::move(input));
    EXPECT_TRUE(map.has_value()) << map.error().message;
    return std::move(*map);
}

PortState state_at(const PortMap& map, Port port) {
    return map.ports.at(port - map.shown.first).state;
}

Finding error_on(PortRange ports, std::string code) {
    Finding f(Severity::error, std::move(code), "something is wrong");
    f.ports = ports;
    return f;
}

}  // namespace

TEST(PortMap, EachPortHasTheStateTheRegistryGivesIt) {
    const PortMap map = map_of(sample());
    ASSERT_EQ(map.ports.size(), 1000U);
    EXPECT_EQ(state_at(map, 25100), PortState::allocated);
    EXPECT_EQ(state_at(map, 25091), PortState::allocated);
    EXPECT_EQ(state_at(map, 25560), PortState::allocated);  // pinned into a reserved pool
    EXPECT_EQ(state_at(map, 25090), PortState::pool);
    EXPECT_EQ(state_at(map, 25550), PortState::reserved);
    EXPECT_EQ(state_at(map, 25201), PortState::quarantined);
    EXPECT_EQ(state_at(map, 25000), PortState::registered);  // IANA icl-twobase1, impalad
    EXPECT_EQ(state_at(map, 25300), PortState::free);
    const auto& d = map.ports.at(25091 - 25000);
    EXPECT_EQ(map.allocations.at(static_cast<std::size_t>(d.allocation)).name, "prom");
    EXPECT_EQ(map.pools.at(static_cast<std::size_t>(d.pool)).name, "metrics");
    EXPECT_FALSE(map.ports.at(0).iana.empty());
    EXPECT_FALSE(map.ports.at(0).known.empty());
}

TEST(PortMap, LiveHoldersAndErrorsComeFirstButNotRangeWideOnes) {
    PortMapInput input;
    input.holders = {{"", 25100, Protocols::tcp, "0.0.0.0", 7, "web"},
                     {"node-2", 25300, Protocols::udp, "::", 8, "stray"}};
    input.findings = {error_on({25300, 25300}, "port-in-use"),
                      error_on({25091, 25091}, "wrong-process"),
                      error_on({25000, 25999}, "ephemeral-not-reserved")};
    const PortMap map = map_of(sample(), input);
    EXPECT_EQ(state_at(map, 25100), PortState::allocated);  // held by its own service
    EXPECT_EQ(map.ports.at(100).holders.size(), 1U);
    EXPECT_EQ(state_at(map, 25300), PortState::in_use);  // whatever port-in-use says
    EXPECT_EQ(state_at(map, 25091), PortState::conflict);
    EXPECT_EQ(state_at(map, 25400), PortState::free);  // the range-wide error paints nothing
    EXPECT_EQ(map.ports.at(400).findings.size(), 1U);  // ... but is among its details
    EXPECT_EQ(map.holders.at(1).host, "node-2");
}

TEST(PortMap, APoolOrARangeIsMappedAndAnUnknownPoolIsNamed) {
    const Registry r = sample();
    auto metrics = pool_ports(r, "metrics");
    ASSERT_TRUE(metrics.has_value());
    PortMapInput input;
    input.shown = *metrics;
    input.holders = {{"", 25300, Protocols::tcp, "", 0, ""}};  // outside: dropped
    const PortMap map = map_of(r, input);
    EXPECT_EQ(map.ports.size(), 10U);
    EXPECT_TRUE(map.holders.empty());
    auto typo = pool_ports(r, "metric");
    ASSERT_FALSE(typo.has_value());
    EXPECT_EQ(typo.error().code, ErrorCode::not_found);
    EXPECT_EQ(typo.error().message,
              "no pool named 'metric' in the registry (did you mean metrics?)");
    EXPECT_FALSE(build_port_map(r, {PortRange{9, 2}, {}, {}, false, false}).has_value());
}

TEST(PortMap, LargeRangesAggregateIntoCellsShowingTheirMostNotablePort) {
    const PortMap whole = map_of(sample(), {PortRange{1, 65535}, {}, {}, false, false});
    const auto cells = map_cells(whole, 1000);
    ASSERT_EQ(cells.size(), 993U);  // 66 ports per cell
    EXPECT_EQ(cells.front().ports, (PortRange{1, 66}));
    EXPECT_EQ(cells.back().ports, (PortRange{65473, 65535}));
    // 25100 (allocated, default pool) sits in the cell 25081-25146 with the metrics pool's
    // prom at 25091: the first allocated port wins the cell.
    const auto& cell = cells.at((25100 - 1) / 66);
    EXPECT_EQ(cell.state, PortState::allocated);
    EXPECT_EQ(map_cells(map_of(sample()), 1000).size(), 1000U);
}

TEST(PortMap, JsonListsOnlyPortsWithSomethingToSay) {
    const auto doc = nlohmann::json::parse(port_map_json(map_of(sample())));
    std::size_t sum = 0;
    for (const auto& [state, n] : doc["counts"].items()) {
        sum += n.get<std::size_t>();
    }
    EXPECT_EQ(sum, 1000U);
    EXPECT_EQ(doc["ports"].size(), 1000 - doc["counts"]["free"].get<std::size_t>());
    EXPECT_EQ(doc["allocations"].size(), 3U);
}

TEST(PortMap, TerminalMapEscapesWhatMessagesEcho) {
    PortMapInput input;
    Finding f = error_on({25100, 25100}, "duplicate-port");
    f.message = "evil \x1b[2J text";
    input.findings = {f};
    const std::string text = render_map_text(map_of(sample(), input), {});
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_NE(text.find("! 25100 duplicate-port: evil"), std::string::npos) << text;
}

TEST(CheckMetrics, EverySeverityIsCountedAndLabelsAreEscaped) {
    const std::string m =
        render_check_metrics(sample(), {error_on({25100, 25100}, "port-in-use")},
                             "dir/\"quoted\"\\reg.toml", TimePoint{std::chrono::seconds{42}});
    for (const char* line : {"harmony_ports_check_findings{severity=\"error\"} 1\n",
                             "harmony_ports_check_findings{severity=\"warning\"} 0\n",
                             "harmony_ports_check_findings{severity=\"info\"} 0\n",
                             "harmony_ports_check_timestamp_seconds 42\n",
                             "harmony_ports_pool_ports{pool=\"default\",reserved=\"false\","
                             "state=\"quarantined\"} 2\n",
                             "harmony_ports_pool_ports{pool=\"future\",reserved=\"true\","
                             "state=\"allocated\"} 1\n",
                             "source=\"dir/\\\"quoted\\\"\\\\reg.toml\""}) {
        EXPECT_NE(m.find(line), std::string::npos) << line << "\n" << m;
    }
}
