#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <harmony/network/allocator.hpp>
#include <harmony/network/export.hpp>

using namespace harmony::network;

TEST(ExportJson, ListHasTheContractShape) {
    auto j = nlohmann::json::parse(render_list_json(adr014_default_registry()));
    EXPECT_EQ(j["range"]["first"], 25000);
    EXPECT_EQ(j["range"]["last"], 25999);
    ASSERT_EQ(j["pools"].size(), 3U);
    EXPECT_EQ(j["pools"][2]["name"], "future-scores");
    EXPECT_EQ(j["pools"][2]["reserved"], true);
    ASSERT_EQ(j["allocations"].size(), 2U);
    EXPECT_EQ(j["allocations"][0]["name"], "ceph-rgw");
    EXPECT_EQ(j["allocations"][0]["first"], 25080);
    EXPECT_EQ(j["allocations"][0]["protocols"], nlohmann::json::array({"tcp"}));
    EXPECT_TRUE(j["allocations"][0]["pool"].is_null());
    for (const char* key : {"name", "first", "last", "protocols", "pool", "owner", "notes"}) {
        EXPECT_TRUE(j["allocations"][1].contains(key)) << key;
    }
}

TEST(ExportMarkdown, EscapesHostileNotesIntoOneCell) {
    PortAllocator a(adr014_default_registry());
    AllocateOptions o;
    o.notes = "evil | cell\n# heading <script>alert(1)</script> $x `code`";
    ASSERT_TRUE(a.allocate("ntfy", o));
    std::string md = export_markdown(a.registry(), "test");
    auto line_start = md.find("| ntfy |");
    ASSERT_NE(line_start, std::string::npos);
    std::string line = md.substr(line_start, md.find('\n', line_start) - line_start);
    EXPECT_EQ(line.find("<script>"), std::string::npos);
    EXPECT_NE(line.find("evil \\| cell<br>\\# heading &lt;script&gt;"), std::string::npos) << line;
    // 7 unescaped pipes: the row still has exactly six cells.
    int pipes = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        pipes += (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ? 1 : 0;
    }
    EXPECT_EQ(pipes, 7);
}

namespace {

// Golden files: export_markdown's output compared byte for byte with tests/data/golden/*.md.
// After an intended change, regenerate them and review the diff:
//   HARMONY_PORTS_UPDATE_GOLDEN=1 build/tests/harmony_ports_unit_tests
//   --gtest_filter='ExportMarkdown.Golden*'
void expect_golden(const std::string& name, const std::string& actual) {
    const std::filesystem::path path =
        std::filesystem::path(HARMONY_PORTS_TEST_DATA) / "golden" / name;
    if (std::getenv("HARMONY_PORTS_UPDATE_GOLDEN") != nullptr) {
        std::ofstream(path, std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << path;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " is missing; see the comment above expect_golden";
    const std::string expected((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    EXPECT_EQ(actual, expected) << "differs from " << path;
}

}  // namespace

TEST(ExportMarkdown, GoldenDefaultTable) {
    expect_golden("adr014-default.md",
                  export_markdown(adr014_default_registry(), "harmony.network.ports.toml"));
}

// Every cell kind: a block, UDP and TCP+UDP, a pool, free text that needs escaping, and the
// quarantine table; entries given out of order (the export sorts them).
TEST(ExportMarkdown, GoldenEveryKindOfRow) {
    Registry r = adr014_default_registry();
    auto add = [&r](std::string name, PortRange ports, Protocols protocols, std::string pool,
                    std::string owner, std::string notes) {
        Allocation a;
        a.name = std::move(name);
        a.ports = ports;
        a.protocols = protocols;
        a.pool = std::move(pool);
        a.owner = std::move(owner);
        a.notes = std::move(notes);
        r.allocations.push_back(std::move(a));
    };
    add("media", {25200, 25203}, Protocols::udp, "", "Media team", "RTP block");
    add("dns", {25053, 25053}, Protocols::tcp_udp, "", "", "evil | cell\n# <b>x</b> `y`");
    add("prometheus", {25090, 25090}, Protocols::tcp, "metrics", "SRE", "");
    Released old;
    old.name = "old-web";
    old.ports = {25101, 25101};
    old.released_at = TimePoint{std::chrono::seconds{1767225600}};  // 2026-01-01T00:00:00Z
    old.until = old.released_at + std::chrono::days{30};
    r.released.push_back(old);
    expect_golden("every-kind.md", export_markdown(r, "fleet/harmony.network.ports.toml"));
}

// The library speaks of the data, not of the CLI's --scope flag.
TEST(ExportScope, AnUnknownScopeIsNamedWithoutTheFlag) {
    auto scope = parse_export_scope("ports");
    ASSERT_FALSE(scope);
    EXPECT_EQ(scope.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(scope.error().message, "unknown export scope 'ports': expected range or allocations");
}
