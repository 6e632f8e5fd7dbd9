// render_check_metrics: Prometheus text exposition format (version 0.0.4) of one check.
#include <harmony/network/metrics.hpp>

#include <array>
#include <map>
#include <utility>

#include <fmt/format.h>

#include <harmony/network/port_map.hpp>
#include <harmony/network/version.hpp>

#include "export/common.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

// A label value as the text format wants it: backslash, double quote and line feed escaped.
std::string label_value(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

void family(std::string& out, std::string_view name, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
}

void finding_metrics(std::string& out, const std::vector<Finding>& findings) {
    family(out, "harmony_ports_check_findings", "Findings of the last check, by severity.");
    for (Severity s : {Severity::error, Severity::warning, Severity::info}) {
        out += fmt::format("harmony_ports_check_findings{{severity=\"{}\"}} {}\n", to_string(s),
                           count_findings(findings, s));
    }
    std::map<std::pair<std::string, std::string>, int> by_code;
    for (const auto& f : findings) {
        ++by_code[{std::string(to_string(f.severity)), f.code}];
    }
    family(out, "harmony_ports_check_findings_by_code",
           "Findings of the last check, by severity and code.");
    for (const auto& [key, n] : by_code) {
        out +=
            fmt::format("harmony_ports_check_findings_by_code{{severity=\"{}\",code=\"{}\"}} {}\n",
                        key.first, label_value(key.second), n);
    }
    family(out, "harmony_ports_check_ok", "1 when the last check found no error, else 0.");
    out += fmt::format("harmony_ports_check_ok {}\n",
                       count_findings(findings, Severity::error) == 0 ? 1 : 0);
}

void range_metrics(std::string& out, const Registry& registry) {
    family(out, "harmony_ports_range_ports", "Ports in the orchestrator range.");
    out += fmt::format("harmony_ports_range_ports {}\n", registry.range.size());
    family(out, "harmony_ports_range_first_port", "First port of the orchestrator range.");
    out += fmt::format("harmony_ports_range_first_port {}\n", registry.range.first);
    family(out, "harmony_ports_range_last_port", "Last port of the orchestrator range.");
    out += fmt::format("harmony_ports_range_last_port {}\n", registry.range.last);
    family(out, "harmony_ports_allocations", "Services with ports in the registry.");
    out += fmt::format("harmony_ports_allocations {}\n", registry.allocations.size());
}

// What a port counts as in a pool, as an index into k_pool_states: a service has it, it is
// in quarantine, or it is free.
constexpr std::array<std::string_view, 3> k_pool_states{"allocated", "quarantined", "free"};

std::size_t pool_state(PortState state) {
    switch (state) {
        case PortState::allocated:
        case PortState::conflict:
            return 0;
        case PortState::quarantined:
            return 1;
        default:
            return 2;
    }
}

void pool_metrics(std::string& out, const Registry& registry) {
    auto map = build_port_map(registry, {});
    family(
        out, "harmony_ports_pool_ports",
        "Ports of each pool (the default pool is \"default\") allocated, in quarantine or free.");
    if (!map) {
        return;
    }
    using Counts = std::array<std::size_t, k_pool_states.size()>;
    std::vector<Counts> counts(map->pools.size() + 1);  // [0]: the default pool
    for (const auto& d : map->ports) {
        ++counts[d.pool < 0 ? 0 : static_cast<std::size_t>(d.pool) + 1][pool_state(d.state)];
    }
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const bool named = i > 0;
        const std::string pool = named ? label_value(map->pools[i - 1].name) : "default";
        const bool reserved = named && map->pools[i - 1].reserved;
        for (std::size_t s = 0; s < k_pool_states.size(); ++s) {
            out += fmt::format(
                "harmony_ports_pool_ports{{pool=\"{}\",reserved=\"{}\",state=\"{}\"}} {}\n", pool,
                reserved, k_pool_states[s], counts[i][s]);
        }
    }
}

}  // namespace

std::string render_check_metrics(const Registry& registry, const std::vector<Finding>& findings,
                                 std::string_view source, TimePoint checked_at) {
    std::string out;
    finding_metrics(out, findings);
    family(out, "harmony_ports_check_timestamp_seconds", "When the last check ran, Unix time.");
    out += fmt::format("harmony_ports_check_timestamp_seconds {}\n",
                       checked_at.time_since_epoch().count());
    range_metrics(out, registry);
    pool_metrics(out, registry);
    family(out, "harmony_ports_registry_info", "The registry the last check read; always 1.");
    out += fmt::format(
        "harmony_ports_registry_info{{digest=\"{}\",schema=\"{}\",source=\"{}\",version=\"{}\"}} "
        "1\n",
        detail::registry_digest(registry), registry.schema_version,
        label_value(util::terminal_safe(source)), k_version);
    return out;
}

}  // namespace harmony::network
