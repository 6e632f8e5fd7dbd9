// render_map_html: the map as one self-contained page (`map --html`). The C++ only lays out
// the document and embeds the data; the script draws the grid from it, so there is one
// drawing for the whole map and for the ports of an opened cell.
#include <harmony/network/port_map.hpp>

#include <fmt/format.h>

#include "export/common.hpp"  // xml_escape: HTML5 reads the same five entities
#include "map/map_page.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

// JSON made safe inside <script>: no "</" can close the element and no "<!--" can change how
// the parser reads it (both only occur inside JSON strings, where the escapes mean the same),
// and U+2028/2029 are escaped for older script parsers.
std::string script_json(std::string_view json) {
    std::string out;
    out.reserve(json.size() + json.size() / 64);
    for (std::size_t i = 0; i < json.size(); ++i) {
        const std::string_view rest = json.substr(i);
        if (rest.starts_with("</")) {
            out += "<\\/";
            ++i;
        } else if (rest.starts_with("<!--")) {
            out += "\\u003c";
        } else if (rest.starts_with("\u2028") || rest.starts_with("\u2029")) {
            out += rest[2] == '\xa8' ? "\\u2028" : "\\u2029";
            i += 2;
        } else {
            out += json[i];
        }
    }
    return out;
}

constexpr std::string_view k_body = R"html(<header>
<h1>{title}</h1>
<div class="tools">
<input id="search" type="search" placeholder="port, range 25080-25090 or text" aria-label="Search ports" autocomplete="off">
<span id="search-status" role="status"></span>
</div>
</header>
<main>
<section class="map">
<p id="grid-note"></p>
<svg id="grid" role="img" aria-label="port grid"></svg>
<div id="detail" hidden>
<h2 id="detail-title"></h2>
<svg id="detail-grid" role="img" aria-label="ports of the opened cell"></svg>
</div>
<div class="panels">
<section><h2>Legend</h2><div id="legend"></div></section>
<section><h2>Conflicts</h2><ul id="conflicts"></ul><h2>Warnings</h2><ul id="warnings"></ul></section>
</div>
</section>
<aside>
<section id="details" aria-live="polite"><h2>Details</h2><p class="hint">Hover or focus a port.</p></section>
</aside>
</main>
<div id="tooltip" hidden></div>
)html";

}  // namespace

std::string render_map_html(const PortMap& map, std::string_view source) {
    const std::string title =
        detail::xml_escape(fmt::format("Port map of {} ({}-{})", util::printable_text(source, 200),
                                       map.shown.first, map.shown.last));
    std::string page = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
        title, map_page::style());
    page += fmt::format(fmt::runtime(k_body), fmt::arg("title", title));
    page += "<script type=\"application/json\" id=\"map-data\">";
    page += script_json(port_map_json(map));
    page += "</script>\n<script>\n";
    page += map_page::script_grid();
    page += map_page::script_panels();
    page += "</script>\n</body>\n</html>\n";
    return page;
}

}  // namespace harmony::network
