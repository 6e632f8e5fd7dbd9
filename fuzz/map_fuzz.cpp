// Fuzzes the map's renderings on registries from TOML text: the lenient read's problems are the
// findings, as `map` gives them. The range is 25000-25127, so each input renders a map of 128
// ports (a 1,000-port page costs milliseconds; entries beyond the range become findings).
// Invariants: no crash/UB/leak; the terminal map (with colour) holds no control byte but the
// escapes it writes itself and line feeds; port_map_json parses back; the HTML page's data
// script holds exactly that JSON (no text closes it early); every metrics line is a comment
// or a sample ending in a line feed.
#include <cstdio>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include <harmony/network/metrics.hpp>
#include <harmony/network/port_map.hpp>
#include <harmony/network/registry_file.hpp>

namespace {

using namespace harmony::network;

[[noreturn]] void violated(const char* what, std::string_view text) {
    std::fprintf(stderr, "map_fuzz: %s\n%.*s\n", what, static_cast<int>(text.size()), text.data());
    __builtin_trap();
}

void check_text(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0x1b && text.compare(i, 2, "\x1b[") == 0) {
            continue;  // an SGR escape of its own
        }
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            violated("the terminal map holds a control byte", text);
        }
    }
}

void check_html(const std::string& html, const std::string& json) {
    const std::string open = "id=\"map-data\">";
    const auto start = html.find(open);
    const auto end = html.find("</script", start);
    if (start == std::string::npos || end == std::string::npos) {
        violated("the page has no data script", html);
    }
    const std::string data = html.substr(start + open.size(), end - start - open.size());
    if (nlohmann::json::parse(data, nullptr, false) != nlohmann::json::parse(json)) {
        violated("the page's data script is not the map's JSON", data);
    }
}

void check_metrics(const std::string& metrics) {
    if (!metrics.empty() && metrics.back() != '\n') {
        violated("metrics do not end in a line feed", metrics);
    }
    for (std::size_t at = 0; at < metrics.size();) {
        const auto eol = metrics.find('\n', at);
        const std::string_view line(metrics.data() + at, eol - at);
        if (!line.starts_with("# ") && !line.starts_with("harmony_ports_")) {
            violated("a metrics line is neither a comment nor a sample", metrics);
        }
        at = eol + 1;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    constexpr PortRange k_range{25000, 25127};
    auto read = parse_registry_lenient(text, RegistryFormat::toml, "fuzz.toml", k_range);
    if (!read) {
        return 0;
    }
    auto map = build_port_map(read->registry, {std::nullopt, read->problems, {}, false, false});
    if (!map) {
        return 0;
    }
    check_text(render_map_text(*map, {true, 50, 20}));
    const std::string json = port_map_json(*map);
    if (!nlohmann::json::accept(json)) {
        violated("port_map_json is not JSON", json);
    }
    check_html(render_map_html(*map, "fuzz.toml"), json);
    check_metrics(render_check_metrics(read->registry, read->problems, "fuzz.toml", TimePoint{}));
    return 0;
}
