// The table of export formats: one place that maps a name to its renderer.
#include <algorithm>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <harmony/network/export.hpp>

#include "util/did_you_mean.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

using Renderer =
    std::function<std::string(const Registry&, std::string_view source, ExportScope scope)>;

struct Format {
    std::string_view name;
    bool uses_scope;
    Renderer render;
};

const std::vector<Format>& format_table() {
    static const std::vector<Format> table = {
        {"nftables", true, export_nftables},
        {"iptables", true,
         [](const Registry& r, std::string_view s, ExportScope sc) {
             return export_iptables(r, s, sc, false);
         }},
        {"ip6tables", true,
         [](const Registry& r, std::string_view s, ExportScope sc) {
             return export_iptables(r, s, sc, true);
         }},
        {"firewalld", true, export_firewalld},
        {"opnsense", true, export_opnsense_xml},
        {"opnsense-api", true, export_opnsense_api},
        {"sysctl", true, export_sysctl},
        {"markdown", false,
         [](const Registry& r, std::string_view s, ExportScope) { return export_markdown(r, s); }},
        {"json", false,
         [](const Registry& r, std::string_view s, ExportScope) { return export_json(r, s); }},
    };
    return table;
}

const Format* find_format(std::string_view name) {
    const auto& table = format_table();
    auto it =
        std::find_if(table.begin(), table.end(), [&](const Format& f) { return f.name == name; });
    return it == table.end() ? nullptr : &*it;
}

}  // namespace

const std::vector<std::string_view>& export_formats() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> out;
        for (const auto& f : format_table()) {
            out.push_back(f.name);
        }
        return out;
    }();
    return names;
}

bool export_uses_scope(std::string_view format) {
    const Format* f = find_format(format);
    return f != nullptr && f->uses_scope;
}

Expected<std::string> export_registry(const Registry& registry, std::string_view format,
                                      std::string_view source, ExportScope scope) {
    if (const Format* f = find_format(format)) {
        return f->render(registry, source, scope);
    }
    std::vector<std::string> names(export_formats().begin(), export_formats().end());
    const std::string hint = util::closest_match(format, names);
    return fail(ErrorCode::invalid_argument,
                fmt::format("unknown export format '{}'{}: expected one of {}",
                            util::printable_text(format),
                            hint.empty() ? "" : fmt::format(" (did you mean {}?)", hint),
                            fmt::join(names, ", ")));
}

}  // namespace harmony::network
