#include <harmony/network/export.hpp>

#include <nlohmann/json.hpp>

#include <harmony/network/version.hpp>

namespace harmony::network {
namespace {

using nlohmann::ordered_json;

ordered_json allocation_object(const Allocation& a) {
    return {{"name", a.name},
            {"first", a.ports.first},
            {"last", a.ports.last},
            {"protocols", protocol_list(a.protocols)},
            {"pool", a.pool.empty() ? ordered_json(nullptr) : ordered_json(a.pool)},
            {"owner", a.owner},
            {"notes", a.notes},
            {"process", a.process}};
}

ordered_json released_object(const Released& e) {
    return {{"name", e.name},
            {"first", e.ports.first},
            {"last", e.ports.last},
            {"protocols", protocol_list(e.protocols)},
            {"released", format_time(e.released_at)},
            {"until", format_time(e.until)}};
}

ordered_json list_object(const Registry& input) {
    Registry r = input;
    canonicalize(r);
    ordered_json out;
    out["range"] = {{"first", r.range.first}, {"last", r.range.last}};
    out["pools"] = ordered_json::array();
    for (const auto& p : r.pools) {
        out["pools"].push_back({{"name", p.name},
                                {"first", p.ports.first},
                                {"last", p.ports.last},
                                {"reserved", p.reserved}});
    }
    out["allocations"] = ordered_json::array();
    for (const auto& a : r.allocations) {
        out["allocations"].push_back(allocation_object(a));
    }
    return out;
}

// Free text goes through nlohmann's escaping; invalid UTF-8 cannot reach here (validated on
// load), but replace rather than throw if it ever does.
std::string dump(const ordered_json& j) {
    return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string allocation_json(const Allocation& allocation) {
    return allocation_object(allocation)
        .dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string released_json(const Released& released) {
    return released_object(released).dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string render_list_json(const Registry& registry) {
    return dump(list_object(registry));
}

std::string export_json(const Registry& input, std::string_view source) {
    Registry r = input;
    canonicalize(r);
    ordered_json out;
    out["generator"] = "harmony-ports " + std::string(k_version);
    out["source"] = source;
    out["schema_version"] = r.schema_version;
    out["quarantine_days"] = r.quarantine_days;
    ordered_json list = list_object(r);
    for (auto& [key, value] : list.items()) {
        out[key] = value;
    }
    out["released"] = ordered_json::array();
    for (const auto& e : r.released) {
        out["released"].push_back(released_object(e));
    }
    return dump(out);
}

}  // namespace harmony::network
