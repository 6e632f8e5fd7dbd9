// `init`: write harmony.toml and the registry (ADR-014 table unless --empty).
#include <fmt/format.h>

#include "commands.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace fs = std::filesystem;

std::function<int()> setup_init(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string range, format;
        bool empty = false, force = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("--range", o->range, "orchestrator port range A-B (default 25000-25999)");
    app.add_flag("--empty", o->empty, "write no pools or allocations");
    app.add_option("--format", o->format, "registry format: toml (default) or yaml");
    app.add_flag("--force", o->force, "overwrite an existing registry (never harmony.toml)");
    return [o, &global] {
        auto store = store_options(global);
        if (!store) {
            return report(store.error());
        }
        // init writes where it is told, else in the working folder (as `git init` does).
        InitOptions options{store->registry, {}, {}, {}, o->empty, o->force, store->lock};
        if (!o->format.empty()) {
            if (o->format != "toml" && o->format != "yaml") {
                return report(
                    Error{ErrorCode::invalid_argument,
                          fmt::format("invalid --format '{}': expected toml or yaml", o->format)});
            }
            options.format = o->format == "yaml" ? RegistryFormat::yaml : RegistryFormat::toml;
        }
        if (!o->range.empty()) {
            auto parsed = PortRange::parse(o->range);
            if (!parsed) {
                return report(parsed.error());
            }
            options.range = *parsed;
        }
        auto done = init_registry(options);
        if (!done) {
            return report(done.error());
        }
        for (const auto& old : done->removed) {
            print_out("removed {}\n", util::terminal_safe(old.string()));
        }
        print_out("wrote {} ({} pools, {} allocations){}\n",
                  util::terminal_safe(done->paths.registry.string()), done->registry.pools.size(),
                  done->registry.allocations.size(),
                  done->wrote_config ? fmt::format(" and {} (range {})",
                                                   util::terminal_safe(done->paths.config.string()),
                                                   done->registry.range.to_string())
                                     : std::string());
        return 0;
    };
}

}  // namespace harmony::cli
