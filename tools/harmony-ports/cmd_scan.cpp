// `scan`: what listens on this host (or in a named network namespace), judged by the registry.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "live.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

Severity severity_of(Verdict v) {
    return v == Verdict::unregistered || v == Verdict::wrong_process ? Severity::error
           : v == Verdict::not_listening                             ? Severity::info
                                                                     : Severity::warning;
}

void print_table(const LiveView& view, const std::string& scope, const std::string& where,
                 const std::string& registry, bool headers) {
    if (headers) {
        print_out("scanned {} {} via {}, judged by {}\n\n", scope, where,
                  to_string(view.scan.source), util::terminal_safe(registry));
        print_out("{:<12} {:<5} {:<24} {:<8} {:<16} {:<24} {}\n", "PORT", "PROTO", "ADDRESS", "PID",
                  "PROCESS", "SERVICE", "VERDICT");
    }
    for (const auto& row : view.rows) {
        const std::string verdict(to_string(row.verdict));
        print_out("{:<12} {:<5} {:<24} {:<8} {:<16} {:<24} {}\n", row.ports.to_string(),
                  to_string(row.protocol), or_dash(row.address, 32),
                  row.pid == 0 ? std::string("-") : std::to_string(row.pid),
                  or_dash(row.process, 32), or_dash(row.service, 32),
                  row.verdict == Verdict::ok || row.verdict == Verdict::none
                      ? verdict
                      : paint(verdict, severity_of(row.verdict)));
    }
    if (view.rows.empty() && headers) {
        print_out("(nothing listening, nothing registered)\n");
    }
}

}  // namespace

std::function<int()> setup_scan(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        bool all_ports = false, json = false;
        HostOptions host;
    };
    auto o = std::make_shared<Options>();
    app.add_flag("--all-ports", o->all_ports, "show every port, not only the orchestrator range");
    app.add_flag("--json", o->json, "print one JSON object");
    add_host_options(app, o->host);
    return [o, &global] {
        auto loaded = load_for_reading(global);
        if (!loaded) {
            return report(loaded.error());
        }
        const Registry& registry = loaded->registry;
        std::optional<PortRange> ports;
        if (!o->all_ports) {
            ports = registry.range;
        }
        auto inside = enter_netns(o->host);
        if (!inside) {
            return report(inside.error());
        }
        auto view = look_at_host(registry, o->host, ports);
        if (!view) {
            return report(view.error());
        }
        const std::string note = owners_unknown_message(view->scan);
        if (o->json) {
            nlohmann::ordered_json j;
            j["range"] = {{"first", registry.range.first}, {"last", registry.range.last}};
            j["all_ports"] = o->all_ports;
            j["netns"] = o->host.netns.empty() ? nlohmann::ordered_json(nullptr)
                                               : nlohmann::ordered_json(o->host.netns);
            j["source"] = to_string(view->scan.source);
            j["registry"] = loaded->label;
            j["owners_complete"] = view->scan.owners_unknown == 0;
            j["rows"] = nlohmann::ordered_json::array();
            for (const auto& row : view->rows) {
                j["rows"].push_back(scan_row_json(row));
            }
            if (!note.empty()) {
                j["note"] = note;
            }
            write_out(j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
                      "\n");
        } else {
            const std::string scope =
                o->all_ports ? std::string("all ports") : registry.range.to_string();
            const std::string where =
                o->host.netns.empty()
                    ? std::string("on this host")
                    : fmt::format("in network namespace {}", util::printable_text(o->host.netns));
            print_table(*view, scope, where, loaded->label, !global.no_headers);
        }
        if (!note.empty()) {
            print_err("note", note);
        }
        return 0;
    };
}

}  // namespace harmony::cli
