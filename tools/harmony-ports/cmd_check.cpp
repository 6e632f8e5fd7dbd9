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
#include <harmony/network/metrics.hpp>
#include <harmony/network/topology.hpp>

#include "checked_store.hpp"
#include "commands.hpp"
#include "live.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

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

// Where the report goes: stdout or atomically into `file`, never over one of `inputs`.
struct ReportTarget {
    const std::string& file;
    const std::vector<CommandInput>& inputs;
};

// The findings as `format` says, on stdout or atomically into the target's file.
Expected<void> write_report(const std::string& format, const ReportTarget& to,
                            const std::string& label, const Registry& registry,
                            const std::vector<Finding>& findings) {
    if (format == "prometheus") {
        const auto now =
            std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
        return emit(render_check_metrics(registry, findings, label, now), to.file, to.inputs);
    }
    if (format == "json") {
        return emit(findings_json(findings), to.file, to.inputs);
    }
    if (!to.file.empty() && to.file != "-") {
        return emit(fmt::format("checked {}\n{}", util::printable_text(label, 200),
                                findings_text(findings, false)),
                    to.file, to.inputs);
    }
    print_out("checked {}\n", util::terminal_safe(label));
    print_findings(findings);
    return {};
}
struct CheckCommand {
    bool json = false, host = false, fleet = false;
    HostOptions live;
    std::string topology, kube, format = "text", output;
};

// The topology named by --topology, or none.
Expected<std::optional<Topology>> optional_topology(const std::string& file) {
    if (file.empty()) {
        return std::nullopt;
    }
    auto read = read_topology_file(file);
    if (!read) {
        return std::unexpected(read.error());
    }
    return std::optional<Topology>(std::move(*read));
}

// Everything the options ask to check, most severe first, with the registry it read.
Expected<StoreCheck> run_checks(const CheckCommand& o, ChosenStore& store) {
    auto source = parse_scan_source(o.live.source);
    if (!source) {
        return std::unexpected(source.error());
    }
    auto topology = optional_topology(o.topology);
    if (!topology) {
        return std::unexpected(topology.error());
    }
    const Topology* layout = *topology ? &**topology : nullptr;
    auto checked = check_store(store.get(), CheckOptions{o.host, *source});
    if (!checked) {
        return std::unexpected(checked.error());
    }
    auto& findings = checked->findings;
    if (store.fleet != nullptr) {
        auto entries = store.fleet->host_reports();
        if (!entries) {
            return std::unexpected(entries.error());
        }
        auto fleet = fleet_findings(*entries, checked->registry, layout);
        findings.insert(findings.end(), fleet.begin(), fleet.end());
    }
    if (layout != nullptr) {
        auto more = check_topology(checked->registry, *layout, input_label(o.topology));
        findings.insert(findings.end(), more.begin(), more.end());
    }
    if (!o.kube.empty()) {
        auto more = kube_findings(checked->registry, o.kube);
        if (!more) {
            return std::unexpected(more.error());
        }
        findings.insert(findings.end(), more->begin(), more->end());
    }
    sort_by_severity(findings);
    return checked;
}

}  // namespace

std::function<int()> setup_check(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<CheckCommand>();
    auto* json =
        app.add_flag("--json", o->json, "print {\"findings\":[...],\"errors\":N,\"warnings\":N}");
    app.add_option("--format", o->format,
                   "text, json (as --json) or prometheus (metrics for node_exporter's textfile "
                   "collector)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"text", "json", "prometheus"}))
        ->excludes(json);
    app.add_option("--output", o->output,
                   "write the report to FILE (atomically: a collector never reads half a file)")
        ->type_name("FILE");
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
        auto store = open_chosen_store(global, o->fleet, o->live);
        if (!store) {
            return report(store.error());
        }
        auto checked = run_checks(*o, *store);
        if (!checked) {
            return report(checked.error());
        }
        auto inputs = store_files(global, store->get());
        inputs.push_back(CommandInput{o->topology, "the topology file"});
        inputs.push_back(CommandInput{o->kube, "the kubectl input"});
        auto written = write_report(o->json ? "json" : o->format, ReportTarget{o->output, inputs},
                                    store->get().label(), checked->registry, checked->findings);
        if (!written) {
            return report(written.error());
        }
        return count_findings(checked->findings, Severity::error) > 0 ? 1 : 0;
    };
}

}  // namespace harmony::cli
