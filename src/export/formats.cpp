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

using Renderer = std::function<std::string(const Registry&, const ExportOptions&)>;

// Adapts a renderer of (registry, source, scope).
template <typename F>
Renderer scoped(F f) {
    return [f](const Registry& r, const ExportOptions& o) { return f(r, o.source, o.scope); };
}

struct Format {
    std::string_view name;
    bool uses_scope;
    Renderer render;
    bool uses_topology = false;
};

const std::vector<Format>& format_table() {
    static const std::vector<Format> table = {
        {"nftables", true, scoped(export_nftables)},
        {"iptables", true, scoped([](const Registry& r, std::string_view s, ExportScope sc) {
             return export_iptables(r, s, sc, false);
         })},
        {"ip6tables", true, scoped([](const Registry& r, std::string_view s, ExportScope sc) {
             return export_iptables(r, s, sc, true);
         })},
        {"firewalld", true, scoped(export_firewalld)},
        {"opnsense", true, scoped(export_opnsense_xml)},
        {"opnsense-api", true, scoped(export_opnsense_api)},
        {"sysctl", true, scoped(export_sysctl)},
        {"cpp", false,
         [](const Registry& r, const ExportOptions& o) {
             return export_cpp(r, o.source, o.topology);
         },
         true},
        {"rust", false,
         [](const Registry& r, const ExportOptions& o) {
             return export_rust(r, o.source, o.topology);
         },
         true},
        {"markdown", false,
         [](const Registry& r, const ExportOptions& o) { return export_markdown(r, o.source); }},
        {"json", false,
         [](const Registry& r, const ExportOptions& o) { return export_json(r, o.source); }},
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

bool export_uses_topology(std::string_view format) {
    const Format* f = find_format(format);
    return f != nullptr && f->uses_topology;
}

Expected<std::string> export_registry(const Registry& registry, std::string_view format,
                                      const ExportOptions& options) {
    if (const Format* f = find_format(format)) {
        if (options.topology != nullptr && !f->uses_topology) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("a topology applies to the cpp and rust exports only, not "
                                    "to {}",
                                    f->name));
        }
        return f->render(registry, options);
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
