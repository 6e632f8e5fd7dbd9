// render_map_html: a self-contained page that embeds the map's data so no registry text can
// escape the data script, and stays small enough for the whole port space.
#include <harmony/network/port_map.hpp>
#include <harmony/network/registry.hpp>

#include <iostream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "map/map_page.hpp"

namespace hn = harmony::network;

namespace {

constexpr std::string_view k_hostile = "</script><img src=x onerror=alert(1)>";

hn::Registry hostile_registry() {
    hn::Registry registry = hn::adr014_default_registry();
    hn::Allocation a;
    a.name = "evil";
    a.ports = {25100, 25100};
    a.owner = "<b>owner</b> & 'co'";
    a.notes = std::string(k_hostile) + " <!-- \u2028";
    registry.allocations.push_back(a);
    return registry;
}

hn::PortMap map_of(const hn::Registry& registry, std::optional<hn::PortRange> shown = {}) {
    hn::PortMapInput input;
    input.shown = shown;
    hn::Finding clash(hn::Severity::error, "duplicate-port", "port 25080 twice </script>");
    clash.ports = hn::PortRange{25080, 25080};
    input.findings.push_back(clash);
    auto map = hn::build_port_map(registry, std::move(input));
    EXPECT_TRUE(map.has_value());
    return *map;
}

// The text of the data script, from after its opening tag to the first "</script".
std::string data_script(const std::string& page) {
    const std::string open = R"(<script type="application/json" id="map-data">)";
    const auto start = page.find(open);
    EXPECT_NE(start, std::string::npos);
    const auto body = start + open.size();
    const auto end = page.find("</script", body);
    EXPECT_NE(end, std::string::npos);
    return page.substr(body, end - body);
}

}  // namespace

TEST(MapHtml, IsSelfContained) {
    const std::string page = hn::render_map_html(map_of(hostile_registry()), "reg.toml");
    EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
    // The data holds the hostile note's "src=" as text; the rest of the page loads nothing.
    std::string outside = page;
    const std::string data = data_script(page);
    outside.erase(outside.find(data), data.size());
    for (const char* external : {"http://", "https://", "src=", "href=", "@import", "url(",
                                 "fetch(", "XMLHttpRequest", "WebSocket"}) {
        EXPECT_EQ(outside.find(external), std::string::npos) << external;
    }
    EXPECT_NE(page.find(R"(<svg id="grid")"), std::string::npos);
    EXPECT_NE(page.find(R"(<input id="search")"), std::string::npos);
    EXPECT_NE(page.find(R"(<ul id="conflicts">)"), std::string::npos);
    EXPECT_NE(page.find(R"(<div id="legend">)"), std::string::npos);
}

TEST(MapHtml, EmbedsTheDataEscaped) {
    const hn::PortMap map = map_of(hostile_registry());
    const std::string page = hn::render_map_html(map, "reg.toml");
    const std::string script = data_script(page);
    // The data script ends where the page meant it to: the data parses back whole.
    EXPECT_EQ(nlohmann::json::parse(script), nlohmann::json::parse(hn::port_map_json(map)));
    EXPECT_EQ(script.find("</"), std::string::npos);
    EXPECT_EQ(script.find("<!--"), std::string::npos);
    EXPECT_EQ(script.find("\u2028"), std::string::npos);
    const auto raw = page.find("</script><img");
    EXPECT_EQ(raw, std::string::npos);
    EXPECT_NE(script.find(R"(<\/script><img src=x onerror=alert(1)>)"), std::string::npos);
}

TEST(MapHtml, EscapesTheSourceInTheTitle) {
    const std::string page = hn::render_map_html(map_of(hostile_registry()), "<x>&\"'.toml");
    EXPECT_NE(page.find("<title>Port map of &lt;x&gt;&amp;&quot;&apos;.toml (25000-25999)</title>"),
              std::string::npos);
    EXPECT_EQ(page.find("<x>"), std::string::npos);
}

TEST(MapHtml, ScriptsAreInertAsText) {
    // Nothing in the page's own assets may close an element early or write markup from data.
    for (const std::string_view asset :
         {hn::map_page::style(), hn::map_page::script_grid(), hn::map_page::script_panels()}) {
        EXPECT_EQ(asset.find("</"), std::string_view::npos);
        EXPECT_EQ(asset.find("innerHTML"), std::string_view::npos);
        EXPECT_EQ(asset.find("outerHTML"), std::string_view::npos);
        EXPECT_EQ(asset.find("insertAdjacentHTML"), std::string_view::npos);
        EXPECT_EQ(asset.find("document.write"), std::string_view::npos);
        EXPECT_EQ(asset.find("eval("), std::string_view::npos);
    }
}

TEST(MapHtml, IsDeterministic) {
    const hn::PortMap map = map_of(hostile_registry());
    EXPECT_EQ(hn::render_map_html(map, "a"), hn::render_map_html(map, "a"));
}

TEST(MapHtml, WholePortSpaceStaysSmall) {
    const std::string page =
        hn::render_map_html(map_of(hostile_registry(), hn::PortRange{1, 65535}), "reg.toml");
    std::cout << "page for 1-65535: " << page.size() << " bytes\n";
    EXPECT_LT(page.size(), 8U * 1024 * 1024);
    EXPECT_NE(page.find("(1-65535)"), std::string::npos);
}
