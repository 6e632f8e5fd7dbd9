// port_map_json: the map as one JSON document (`map --json`, and the data of the HTML page).
#include <harmony/network/export.hpp>
#include <harmony/network/port_map.hpp>

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

ordered_json port_object(const PortDetails& d) {
    ordered_json j{{"port", d.port}, {"state", to_string(d.state)}};
    if (d.pool >= 0) {
        j["pool"] = d.pool;
    }
    if (d.allocation >= 0) {
        j["allocation"] = d.allocation;
    }
    if (d.released >= 0) {
        j["released"] = d.released;
    }
    if (!d.holders.empty()) {
        j["holders"] = d.holders;
    }
    if (!d.findings.empty()) {
        j["findings"] = d.findings;
    }
    if (!d.iana.empty()) {
        j["iana"] = d.iana;
    }
    if (!d.known.empty()) {
        j["known"] = d.known;
    }
    return j;
}

bool plain_free(const PortDetails& d) {
    return d.state == PortState::free && d.holders.empty() && d.findings.empty();
}

}  // namespace

std::string port_map_json(const PortMap& map) {
    ordered_json out;
    out["shown"] = range_object(map.shown);
    out["range"] = range_object(map.range);
    out["pools"] = ordered_json::array();
    for (const auto& p : map.pools) {
        ordered_json pool{{"name", p.name}};
        pool.update(range_object(p.ports));
        pool["reserved"] = p.reserved;
        out["pools"].push_back(std::move(pool));
    }
    out["allocations"] = ordered_json::array();
    for (const auto& a : map.allocations) {
        out["allocations"].push_back(ordered_json::parse(allocation_json(a)));
    }
    out["released"] = ordered_json::array();
    for (const auto& r : map.released) {
        out["released"].push_back(ordered_json::parse(released_json(r)));
    }
    out["holders"] = ordered_json::array();
    for (const auto& h : map.holders) {
        out["holders"].push_back(holder_object(h));
    }
    out["findings"] = ordered_json::array();
    for (const auto& f : map.findings) {
        out["findings"].push_back(finding_object(f));
    }
    out["counts"] = ordered_json::object();
    for (PortState s : k_port_states) {
        out["counts"][std::string(to_string(s))] = count_ports(map, s);
    }
    out["live"] = {{"host", map.live_host}, {"fleet", map.live_fleet}};
    out["ports"] = ordered_json::array();
    for (const auto& d : map.ports) {
        if (!plain_free(d)) {
            out["ports"].push_back(port_object(d));
        }
    }
    return out.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

}  // namespace harmony::network
