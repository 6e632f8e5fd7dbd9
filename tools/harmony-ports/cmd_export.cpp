// `export --format F`: the registry rendered for documents and other tools.
#include <fmt/format.h>

#include <harmony/network/export.hpp>

#include "commands.hpp"

namespace harmony::cli {

std::function<int()> setup_export(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string format, output, scope = "range";
    };
    auto o = std::make_shared<Options>();
    app.add_option("--format", o->format, "markdown, json or sysctl")->required();
    app.add_option("--scope", o->scope,
                   "range (default): the whole orchestrator range; allocations: only the "
                   "allocated ports (sysctl)");
    app.add_option("--output", o->output, "write to this file atomically (default: stdout)");
    return [o, &app, &global] {
        if (app.count("--scope") > 0 && (o->format == "markdown" || o->format == "json")) {
            return report(Error{ErrorCode::invalid_argument,
                                fmt::format("--scope does not apply to --format {}: it always "
                                            "shows the whole registry",
                                            o->format)});
        }
        auto loaded = load_for_reading(global);
        if (!loaded) {
            return report(loaded.error());
        }
        const Location* where = &loaded->where;
        const Registry* registry = &loaded->registry;
        auto scope = parse_export_scope(o->scope);
        if (!scope) {
            return report(scope.error());
        }
        std::string text;
        if (o->format == "sysctl") {
            text = export_sysctl(*registry, where->label, *scope);
        } else if (o->format == "markdown") {
            text = export_markdown(*registry, where->label);
        } else if (o->format == "json") {
            text = export_json(*registry, where->label);
        } else {
            return report(
                Error{ErrorCode::invalid_argument,
                      fmt::format("unknown export format '{}': expected markdown, json or sysctl",
                                  o->format)});
        }
        if (auto ok = emit(text, o->output); !ok) {
            return report(ok.error());
        }
        return 0;
    };
}

}  // namespace harmony::cli
