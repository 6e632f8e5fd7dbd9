// port_map_json: the map as one JSON document (`map --json`, and the data of the HTML page).
#include <harmony/network/export.hpp>
#include <harmony/network/port_map.hpp>

#include <type_traits>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace harmony::network {
namespace {

using nlohmann::ordered_json;

ordered_json range_object(const PortRange& r) {
    return {{"first", r.first}, {"last", r.last}};
}

ordered_json finding_object(const Finding& f) {
    ordered_json j{{"severity", to_string(f.severity)}, {"code", f.code}, {"message", f.message}};
    j["first"] = f.ports->first;  // build_port_map keeps only findings with ports
    j["last"] = f.ports->last;
    if (!f.service.empty()) {
        j["service"] = f.service;
    }
    if (!f.host.empty()) {
        j["host"] = f.host;
    }
    return j;
}

ordered_json holder_object(const PortHolder& h) {
    ordered_json j{{"host", h.host},
                   {"port", h.port},
                   {"protocol", to_string(h.protocol)},
                   {"address", h.address}};
    j["pid"] = h.pid;
    j["process"] = h.process;
    return j;
}

std::string dump(const ordered_json& j) {
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

// `"key":[a,b]` for a list of numbers or of strings (strings JSON-escaped).
template <typename T>
void append_list(std::string& out, std::string_view key, const std::vector<T>& items) {
    if (items.empty()) {
        return;
    }
    out += fmt::format(",\"{}\":[", key);
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "" : ",";
        if constexpr (std::is_same_v<T, std::string>) {
            out += dump(ordered_json(items[i]));
        } else {
            out += fmt::format("{}", items[i]);
        }
    }
    out += ']';
}

// One port's entry, written directly: the ports array is most of the document, and a JSON
// tree per port costs more than the rest of `map` together.
void append_port(std::string& out, const PortDetails& d) {
    out += fmt::format("{{\"port\":{},\"state\":\"{}\"", d.port, to_string(d.state));
    for (const auto& [key, index] :
         {std::pair{"pool", d.pool}, std::pair{"allocation", d.allocation},
          std::pair{"released", d.released}}) {
        if (index >= 0) {
            out += fmt::format(",\"{}\":{}", key, index);
        }
    }
    append_list(out, "holders", d.holders);
    append_list(out, "findings", d.findings);
    append_list(out, "iana", d.iana);
    append_list(out, "known", d.known);
    out += '}';
}

// `"key":[...]` of already rendered JSON values.
template <typename Entry, typename Render>
std::string rendered_list(std::string_view key, const std::vector<Entry>& entries, Render render) {
    std::string out = fmt::format(",\"{}\":[", key);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        out += i == 0 ? "" : ",";
        out += render(entries[i]);
    }
    return out + "]";
}

bool plain_free(const PortDetails& d) {
    return d.state == PortState::free && d.holders.empty() && d.findings.empty();
}

}  // namespace

std::string port_map_json(const PortMap& map) {
    ordered_json head;
    head["shown"] = range_object(map.shown);
    head["range"] = range_object(map.range);
    head["pools"] = ordered_json::array();
    for (const auto& p : map.pools) {
        ordered_json pool{{"name", p.name}};
        pool.update(range_object(p.ports));
        pool["reserved"] = p.reserved;
        head["pools"].push_back(std::move(pool));
    }
    std::string out = dump(head);
    out.pop_back();  // the closing brace: the arrays below follow
    out += rendered_list("allocations", map.allocations, allocation_json);
    out += rendered_list("released", map.released, released_json);
    out += rendered_list("holders", map.holders,
                         [](const PortHolder& h) { return dump(holder_object(h)); });
    out += rendered_list("findings", map.findings,
                         [](const Finding& f) { return dump(finding_object(f)); });
    ordered_json tail;
    tail["counts"] = ordered_json::object();
    for (PortState s : k_port_states) {
        tail["counts"][std::string(to_string(s))] = count_ports(map, s);
    }
    tail["live"] = {{"host", map.live_host}, {"fleet", map.live_fleet}};
    std::string rest = dump(tail);
    // Appended piecewise: GCC 12 at -O3 warns (-Wrestrict) on "literal" + string.
    out.append(",").append(rest, 1, rest.size() - 2).append(",\"ports\":[");
    bool first = true;
    for (const auto& d : map.ports) {
        if (!plain_free(d)) {
            out += first ? "" : ",";
            append_port(out, d);
            first = false;
        }
    }
    return out + "]}";
}

}  // namespace harmony::network
