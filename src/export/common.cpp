#include "export/common.hpp"

#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include <harmony/network/hash.hpp>
#include <harmony/network/registry_file.hpp>
#include <harmony/network/version.hpp>

#include "util/printable.hpp"

namespace harmony::network::detail {

std::string registry_digest(const Registry& registry) {
    return fmt::format("{:016x}", fnv1a64(render_registry(registry, RegistryFormat::toml)));
}

std::string provenance(const Registry& registry, std::string_view source) {
    return fmt::format("harmony-ports {} from {} (schema {}, digest {})", k_version,
                       util::printable_text(source, 200), registry.schema_version,
                       registry_digest(registry));
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

PortTables port_tables(const Registry& registry, const Topology* topology) {
    PortTables out{registry, {}, {}};
    canonicalize(out.registry);
    std::unordered_map<std::string_view, const Allocation*> by_name;
    for (const auto& a : out.registry.allocations) {
        out.services.push_back({a.name, a.ports, a.protocols, false});
        by_name[a.name] = &a;
    }
    if (topology == nullptr) {
        return out;
    }
    for (const auto& cluster : topology->clusters) {
        ClusterTables tables{&cluster, {}, {}};
        for (const auto& s : cluster.services) {
            if (auto it = by_name.find(s.name); it != by_name.end()) {
                tables.services.push_back(
                    {s.name, it->second->ports, it->second->protocols, false});
            }
        }
        tables.ports = tables.services;
        for (const auto& local : cluster.ports) {
            tables.ports.push_back({local.name, local.ports, local.protocols, true});
        }
        out.clusters.push_back(std::move(tables));
    }
    return out;
}

std::vector<const TableRow*> first_row_per_name(const std::vector<TableRow>& rows) {
    std::vector<const TableRow*> out;
    std::unordered_set<std::string_view> seen;
    for (const auto& r : rows) {
        if (seen.insert(r.name).second) {
            out.push_back(&r);
        }
    }
    return out;
}

std::string protocol_bits(Protocols protocols, std::string_view tcp, std::string_view udp) {
    if (protocols == Protocols::tcp_udp) {
        return fmt::format("{} | {}", tcp, udp);
    }
    return std::string(protocols == Protocols::udp ? udp : tcp);
}

std::string row_summary(const TableRow& row) {
    std::string out =
        fmt::format("{} {}/{}", row.name, row.ports.to_string(), to_string(row.protocols));
    if (row.local) {
        out += ", local port";
    }
    return out;
}

}  // namespace harmony::network::detail
