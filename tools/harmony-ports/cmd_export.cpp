// `export --format F`: the registry rendered for firewalls, kernels, documents and programs.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <harmony/network/export.hpp>
#include <harmony/network/topology.hpp>

#include "commands.hpp"

namespace harmony::cli {

std::function<int()> setup_export(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string format, output, scope = "range", topology;
    };
    auto o = std::make_shared<Options>();
    app.add_option("--format", o->format, fmt::format("{}", fmt::join(export_formats(), ", ")))
        ->required();
    app.add_option("--scope", o->scope,
                   "range (default): open/reserve the whole orchestrator range; allocations: "
                   "only the allocated ports, per protocol (not for markdown and json)");
    app.add_option("--output", o->output, "write to this file atomically (default: stdout)");
    app.add_option("--topology", o->topology,
                   "cpp, rust: add per-cluster tables for this topology file, checked the same "
                   "way");
    return [o, &app, &global] {
        auto scope = parse_export_scope(o->scope);
        if (!scope) {
            return report(scope.error());
        }
        const auto& formats = export_formats();
        const bool known = std::find(formats.begin(), formats.end(), o->format) != formats.end();
        if (known && app.count("--scope") > 0 && !export_uses_scope(o->format)) {
            return report(Error{ErrorCode::invalid_argument,
                                fmt::format("--scope does not apply to --format {}: it always "
                                            "shows the whole registry",
                                            o->format)});
        }
        auto loaded = load_for_reading(global);
        if (!loaded) {
            return report(loaded.error());
        }
        std::optional<Topology> topology;
        if (!o->topology.empty()) {
            if (!export_uses_topology(o->format)) {
                return report(Error{ErrorCode::invalid_argument,
                                    "--topology applies to --format cpp and rust only"});
            }
            auto read = read_topology_file(o->topology);
            if (!read) {
                return report(read.error());
            }
            topology = std::move(*read);
        }
        auto text =
            export_registry(loaded->registry, o->format,
                            ExportOptions{loaded->label, *scope, topology ? &*topology : nullptr});
        if (!text) {
            return report(text.error());
        }
        auto inputs = std::move(loaded->inputs);
        inputs.push_back(CommandInput{o->topology, "the topology file"});
        if (auto ok = emit(*text, o->output, inputs); !ok) {
            return report(ok.error());
        }
        return 0;
    };
}

}  // namespace harmony::cli
