// `check`: policy findings for the range and allocations, registry conflicts and, with
// --host, what listens on this host; with --topology, a fleet; with --kube, cluster objects;
// with --fleet, every host's report in the fleet store.
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>

#include <harmony/network/check.hpp>
#include <harmony/network/fleet_check.hpp>
#include <harmony/network/kube.hpp>
#include <harmony/network/topology.hpp>

#include "commands.hpp"
#include "live.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

// The store a check reads: the registry file's or, with --fleet, the fleet store (whose hosts'
// reports are judged too).
struct ChosenStore {
    std::unique_ptr<RegistryStore> store;
    FleetRegistryStore* fleet = nullptr;  // with --fleet: the same store, for its reports
    RegistryStore& get() { return *store; }
};

Expected<ChosenStore> open_chosen_store(const GlobalOptions& global, bool fleet) {
    ChosenStore chosen;
    if (fleet) {
        auto store = open_fleet_store(global);
        if (!store) {
            return std::unexpected(store.error());
        }
        chosen.fleet = store->get();
        chosen.store = std::move(*store);
    } else {
        auto store = open_store(global);
        if (!store) {
            return std::unexpected(store.error());
        }
        chosen.store = std::move(*store);
    }
    return chosen;
}

// Every host's latest report in `store` judged against `registry`, tied to `topology`'s
// clusters when given.
Expected<std::vector<Finding>> fleet_findings(FleetRegistryStore& store, const Registry& registry,
                                              const Topology* topology) {
    auto entries = store.host_reports();
    if (!entries) {
        return std::unexpected(entries.error());
    }
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    return check_fleet_entries(registry, *entries, now, topology);
}

// `kubectl get ... -o json` output in `file` ("-": standard input) judged against `registry`.
Expected<std::vector<Finding>> kube_findings(const Registry& registry, const std::string& file) {
    auto input = read_input(file);
    if (!input) {
        return std::unexpected(input.error());
    }
    auto objects = parse_kube_objects(input->text, input->label);
    if (!objects) {
        return std::unexpected(objects.error());
    }
    return check_kube(registry, *objects);
}

}  // namespace

std::function<int()> setup_check(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        bool json = false, host = false, fleet = false;
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
    app.add_flag("--fleet", o->fleet,
                 "check every host's latest report in the fleet store: port-in-use, "
                 "wrong-process, not-listening, ephemeral-not-reserved per host, host-stale "
                 "(with --topology: tied to clusters, host-missing)");
    app.add_option("--kube", o->kube,
                   "also check `kubectl get pods,services -A -o json` output: "
                   "kube-port-unregistered, kube-wrong-workload, nodeport-in-range");
    return [o, &global] {
        auto store = open_chosen_store(global, o->fleet);
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
        std::optional<Topology> topology;
        if (!o->topology.empty()) {
            auto read = read_topology_file(o->topology);
            if (!read) {
                return report(read.error());
            }
            topology = std::move(*read);
        }
        auto checked = check_store(store->get(), CheckOptions{o->host, *source});
        if (!checked) {
            return report(checked.error());
        }
        const Registry& registry = checked->registry;
        auto* findings = &checked->findings;
        if (store->fleet) {
            auto fleet = fleet_findings(*store->fleet, registry, topology ? &*topology : nullptr);
            if (!fleet) {
                return report(fleet.error());
            }
            findings->insert(findings->end(), fleet->begin(), fleet->end());
        }
        if (topology) {
            auto more = check_topology(registry, *topology, input_label(o->topology));
            findings->insert(findings->end(), more.begin(), more.end());
        }
        if (!o->kube.empty()) {
            auto more = kube_findings(registry, o->kube);
            if (!more) {
                return report(more.error());
            }
            findings->insert(findings->end(), more->begin(), more->end());
        }
        sort_by_severity(*findings);
        if (o->json) {
            write_out(findings_json(*findings));
        } else {
            print_out("checked {}\n", util::terminal_safe(store->get().label()));
            print_findings(*findings);
        }
        return count_findings(*findings, Severity::error) > 0 ? 1 : 0;
    };
}

}  // namespace harmony::cli
