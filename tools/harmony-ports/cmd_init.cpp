// `init`: write harmony.toml and the registry (ADR-014 table unless --empty).
#include <fmt/format.h>

#include "commands.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace fs = std::filesystem;

std::function<int()> setup_init(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string range, format = "toml";
        bool empty = false, force = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("--range", o->range, "orchestrator port range A-B (default 25000-25999)");
    app.add_flag("--empty", o->empty, "write no pools or allocations");
    app.add_option("--format", o->format, "registry format: toml (default) or yaml");
    app.add_flag("--force", o->force, "overwrite an existing registry (never harmony.toml)");
    return [o, &app, &global] {
        if (o->format != "toml" && o->format != "yaml") {
            return report(
                Error{ErrorCode::invalid_argument,
                      fmt::format("invalid --format '{}': expected toml or yaml", o->format)});
        }
        RegistryFormat format = o->format == "yaml" ? RegistryFormat::yaml : RegistryFormat::toml;
        // init writes where it is told, else in the working folder (as `git init` does).
        const std::string explicit_path = explicit_registry_path(global);
        fs::path registry_path =
            !explicit_path.empty()
                ? fs::path(explicit_path)
                : fs::current_path() /
                      (format == RegistryFormat::yaml ? k_registry_yaml_file : k_registry_file);
        if (!explicit_path.empty() && app.count("--format") == 0) {
            format = format_for_path(registry_path);
        }
        RegistryPaths paths = paths_for(registry_path);

        std::error_code ec;
        std::optional<PortRange> existing_range;
        if (fs::exists(paths.config, ec)) {
            auto text = read_file(paths.config);
            if (!text) {
                return report(text.error());
            }
            auto parsed = parse_harmony_config(*text, paths.config.string());
            if (!parsed) {
                return report(parsed.error());
            }
            existing_range = *parsed;
        }
        PortRange range = existing_range.value_or(k_adr014_range);
        if (!o->range.empty()) {
            auto parsed = PortRange::parse(o->range);
            if (!parsed) {
                return report(parsed.error());
            }
            range = *parsed;
        }
        // harmony.toml is Harmony's file, with keys of its own: init creates it, never rewrites.
        if (existing_range && *existing_range != range) {
            return report(Error{ErrorCode::already_exists,
                                fmt::format("{} gives orchestrator_port_range {}; set it to \"{}\" "
                                            "there (init never rewrites harmony.toml)",
                                            paths.config.string(), existing_range->to_string(),
                                            range.to_string())});
        }
        const bool write_config = !existing_range;
        for (auto name : {k_registry_file, k_registry_yaml_file, k_registry_yml_file}) {
            fs::path other = paths.registry.parent_path() / name;
            if (fs::exists(other, ec) && !o->force) {
                return report(Error{ErrorCode::already_exists,
                                    fmt::format("{} already exists; pass --force to overwrite it",
                                                other.string())});
            }
        }
        Registry registry = o->empty ? Registry{} : adr014_default_registry(range);
        registry.range = range;
        if (auto ok = write_file_atomically(paths.registry, render_registry(registry, format));
            !ok) {
            return report(ok.error());
        }
        if (write_config) {
            if (auto ok = write_file_atomically(paths.config, render_harmony_config(range)); !ok) {
                return report(ok.error());
            }
        }
        print_out("wrote {} ({} pools, {} allocations){}\n",
                  util::terminal_safe(paths.registry.string()), registry.pools.size(),
                  registry.allocations.size(),
                  write_config
                      ? fmt::format(" and {} (range {})",
                                    util::terminal_safe(paths.config.string()), range.to_string())
                      : std::string());
        return 0;
    };
}

}  // namespace harmony::cli
