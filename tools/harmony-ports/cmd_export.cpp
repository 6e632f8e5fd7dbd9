// `export --format F`: the registry rendered for documents and other tools.
#include <fmt/format.h>

#include <harmony/network/export.hpp>

#include "commands.hpp"

namespace harmony::cli {

std::function<int()> setup_export(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string format, output;
    };
    auto o = std::make_shared<Options>();
    app.add_option("--format", o->format, "markdown or json")->required();
    app.add_option("--output", o->output, "write to this file atomically (default: stdout)");
    return [o, &global] {
        auto loaded = load_for_reading(global);
        if (!loaded) {
            return report(loaded.error());
        }
        const Location* where = &loaded->where;
        const Registry* registry = &loaded->registry;
        std::string text;
        if (o->format == "markdown") {
            text = export_markdown(*registry, where->label);
        } else if (o->format == "json") {
            text = export_json(*registry, where->label);
        } else {
            return report(Error{
                ErrorCode::invalid_argument,
                fmt::format("unknown export format '{}': expected markdown or json", o->format)});
        }
        if (auto ok = emit(text, o->output); !ok) {
            return report(ok.error());
        }
        return 0;
    };
}

}  // namespace harmony::cli
