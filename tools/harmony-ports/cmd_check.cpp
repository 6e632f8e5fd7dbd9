// `check`: policy findings for the range and allocations, registry conflicts and, with
// --host, what listens on this host.
#include <cstdio>

#include "commands.hpp"
#include "live.hpp"

namespace harmony::cli {

std::function<int()> setup_check(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        bool json = false, host = false;
        HostOptions live;
    };
    auto o = std::make_shared<Options>();
    app.add_flag("--json", o->json, "print {\"findings\":[...],\"errors\":N,\"warnings\":N}");
    auto* host = app.add_flag("--host", o->host,
                              "also check what listens on this host: port-in-use, wrong-process, "
                              "not-listening, ephemeral-not-reserved");
    add_host_options(app, o->live);
    app.get_option("--netns")->needs(host);
    app.get_option("--source")->needs(host);
    return [o, &global] {
        auto where = locate(global);
        if (!where) {
            return report(where.error());
        }
        // Inside the namespace before anything reads host facts, so policy and live checks
        // agree on whose ephemeral range they judge.
        auto inside = enter_netns(o->live);
        if (!inside) {
            return report(inside.error());
        }
        Registry registry;
        auto findings = run_checks(*where, &registry);
        if (!findings) {
            return report(findings.error());
        }
        if (o->host) {
            if (auto ok = add_host_findings(registry, o->live, *findings); !ok) {
                return report(ok.error());
            }
        }
        if (o->json) {
            std::fputs(findings_json(*findings).c_str(), stdout);
        } else {
            std::printf("checked %s\n", where->label.c_str());
            print_findings(*findings);
        }
        return count_findings(*findings, Severity::error) > 0 ? 1 : 0;
    };
}

}  // namespace harmony::cli
