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

TEST(ExportMarkdown, IsDeterministic) {
    auto r = adr014_default_registry();
    EXPECT_EQ(export_markdown(r, "x"), export_markdown(r, "x"));
    EXPECT_NE(export_markdown(r, "x").find("| ceph-rgw | 25080 | TCP | — |"), std::string::npos);
}
