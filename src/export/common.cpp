#include "export/common.hpp"

#include <fmt/format.h>

#include <harmony/network/hash.hpp>
#include <harmony/network/registry_file.hpp>
#include <harmony/network/version.hpp>

#include "util/printable.hpp"

namespace harmony::network::detail {

std::string provenance(const Registry& registry, std::string_view source) {
    const std::string canonical = render_registry(registry, RegistryFormat::toml);
    return fmt::format("harmony-ports {} from {} (schema {}, digest {:016x})", k_version,
                       util::printable_text(source, 200), registry.schema_version,
                       fnv1a64(canonical));
}

std::vector<PortRun> runs_for(const Registry& registry, Protocols protocol, ExportScope scope) {
    std::vector<PortRun> out;
    if (scope == ExportScope::range) {
        out.push_back({registry.range, "HarmonyInfraPorts"});
        return out;
    }
    Registry r = registry;
    canonicalize(r);
    for (const auto& a : r.allocations) {
        if (shares_protocol(a.protocols, protocol)) {
            out.push_back({a.ports, a.name});
        }
    }
    return out;
}

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string xml_comment_text(std::string_view text) {
    std::string out = util::printable_text(text, 200);
    for (std::size_t at = out.find("--"); at != std::string::npos; at = out.find("--", at)) {
        out.replace(at, 2, "-\\x2d");
    }
    return out;
}

}  // namespace harmony::network::detail
