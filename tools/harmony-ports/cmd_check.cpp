// `check`: policy findings for the range and allocations, registry conflicts and, with
// --host, what listens on this host; with --topology, a fleet; with --kube, cluster objects.
#include <cstdio>

#include <harmony/network/check.hpp>
#include <harmony/network/kube.hpp>
#include <harmony/network/topology.hpp>

#include "commands.hpp"
#include "live.hpp"
#include "util/printable.hpp"

namespace harmony::cli {

std::function<int()> setup_check(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        bool json = false, host = false;
        HostOptions live;
        std::string topology, kube;
    };
    auto o = std::make_shared<Options>();
    app.add_flag("--json", o->json, "print {\"findings\":[...],\"errors\":N,\"warnings\":N}");
    auto* host = app.add_flag("--host", o->host,
                              "also check what listens on this host: port-in-use, wrong-process, "
                              "not-listening, ephemeral-not-reserved");
    add_host_options(app, o->live);
    app.get_option("--netns")->needs(host);
    app.get_option("--source")->needs(host);
    app.add_option("--topology", o->topology,
                   "also check a topology file: topology-port-reuse, mirroring-broken, "
                   "unknown-service, range-overlaps-nodeport, override-collides");
    app.add_option("--kube", o->kube,
                   "also check `kubectl get pods,services -A -o json` output: "
                   "kube-port-unregistered, kube-wrong-workload, nodeport-in-range");
    return [o, &global] {
        auto store = open_store(global);
        if (!store) {
            return report(store.error());
        }
        // Inside the namespace before anything reads host facts, so policy and live checks
        // agree on whose ephemeral range they judge.
        auto inside = enter_netns(o->live);
        if (!inside) {
            return report(inside.error());
        }
        auto source = parse_scan_source(o->live.source);
        if (!source) {
            return report(source.error());
        }
        auto checked = check_store(**store, CheckOptions{o->host, *source});
        if (!checked) {
            return report(checked.error());
        }
        const Registry& registry = checked->registry;
        auto* findings = &checked->findings;
        if (!o->topology.empty()) {
            auto topology = read_topology_file(o->topology);
            if (!topology) {
                return report(topology.error());
            }
            auto more = check_topology(registry, *topology, o->topology);
            findings->insert(findings->end(), more.begin(), more.end());
        }
        if (!o->kube.empty()) {
            auto text = read_file(o->kube);
            if (!text) {
                return report(text.error());
            }
            auto objects = parse_kube_objects(*text, o->kube);
            if (!objects) {
                return report(objects.error());
            }
            auto more = check_kube(registry, *objects);
            findings->insert(findings->end(), more.begin(), more.end());
        }
        sort_by_severity(*findings);
        if (o->json) {
            std::fputs(findings_json(*findings).c_str(), stdout);
        } else {
            std::printf("checked %s\n", util::terminal_safe((*store)->label()).c_str());
            print_findings(*findings);
        }
        return count_findings(*findings, Severity::error) > 0 ? 1 : 0;
    };
}

}  // namespace harmony::cli
