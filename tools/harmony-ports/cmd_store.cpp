// `store init|snapshot|import|repair`: the fleet store's own commands.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <harmony/network/number.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace fs = std::filesystem;

namespace {

// The registry in FILE (harmony.toml beside it gives the range).
Expected<Registry> registry_file(const std::string& file) {
    return load_registry(paths_for(fs::path(file)));
}

// The range of the nearest harmony.toml, for the ADR-014 default.
Expected<PortRange> nearby_range() {
    auto config = discover_config(fs::current_path());
    if (!config) {
        return k_adr014_range;
    }
    auto range = read_harmony_config(*config);
    if (!range) {
        return std::unexpected(range.error());
    }
    return range->value_or(k_adr014_range);
}

std::function<int()> setup_store_init(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string replicas = "1", from;
        bool force = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("--replicas", o->replicas, "JetStream replicas of the bucket, 1-5 (default 1)");
    app.add_option("--from", o->from, "load this registry file instead of the ADR-014 default");
    app.add_flag("--force", o->force, "replace a registry the store already holds");
    return [o, &global] {
        auto fleet = fleet_options(global);
        if (!fleet) {
            return report(fleet.error());
        }
        auto replicas = parse_decimal(o->replicas, "replicas", 1, 5);
        if (!replicas) {
            return report(replicas.error());
        }
        StoreInitOptions init{static_cast<int>(*replicas), {}, k_adr014_range, o->force};
        auto from = o->from.empty() ? Expected<Registry>(Registry{}) : registry_file(o->from);
        auto range = nearby_range();
        if (!from || !range) {
            return report(from ? range.error() : from.error());
        }
        if (!o->from.empty()) {
            init.from = std::move(*from);
        }
        init.range = *range;
        if (fleet->url.empty()) {
            fleet->url = store_url_from_environment();
        }
        auto done = FleetRegistryStore::init(*fleet, init);
        if (!done) {
            return report(done.error());
        }
        if (done->restored_config) {
            print_out(
                "bucket {} had lost its registry config: restored it from {}, kept {} "
                "allocations\n",
                util::printable_text(redact_store_url(fleet->url), 200),
                o->from.empty() ? std::string("the ADR-014 default") : util::terminal_safe(o->from),
                done->registry.allocations.size());
            return 0;
        }
        print_out(
            "{} bucket {}; {} {} ({} pools, {} allocations)\n",
            done->created_bucket ? "created" : "found",
            util::printable_text(redact_store_url(fleet->url), 200),
            done->loaded ? "loaded" : "it already holds",
            o->from.empty() ? std::string("the ADR-014 default") : util::terminal_safe(o->from),
            done->registry.pools.size(), done->registry.allocations.size());
        return 0;
    };
}

std::function<int()> setup_store_snapshot(CLI::App& app, const GlobalOptions& global) {
    auto output = std::make_shared<std::string>();
    app.add_option("-o,--output", *output, "write the snapshot to FILE (atomically)");
    return [output, &global] {
        auto store = open_fleet_store(global);
        if (!store) {
            return report(store.error());
        }
        auto registry = (*store)->read();
        if (!registry) {
            return report(registry.error());
        }
        auto done = emit(render_registry(*registry, RegistryFormat::toml), *output,
                         store_files(global, **store));
        return done ? 0 : report(done.error());
    };
}

std::function<int()> setup_store_import(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string file;
        bool force = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("FILE", o->file, "registry file to load (replaces the store's registry)")
        ->required();
    app.add_flag("--force", o->force,
                 "replace it even when allocations the store holds would go or move");
    return [o, &global] {
        auto registry = registry_file(o->file);
        if (!registry) {
            return report(registry.error());
        }
        auto store = open_fleet_store(global);
        if (!store) {
            return report(store.error());
        }
        if (auto done = (*store)->replace(*registry, o->force); !done) {
            return report(done.error());
        }
        print_out("imported {} ({} pools, {} allocations) into {}\n", util::terminal_safe(o->file),
                  registry->pools.size(), registry->allocations.size(), (*store)->label());
        return 0;
    };
}

void print_repair(const RepairReport& report, bool dry_run, bool json) {
    if (json) {
        nlohmann::ordered_json out{{"dry_run", dry_run},
                                   {"actions", nlohmann::ordered_json::array()}};
        for (const auto& a : report.actions) {
            out["actions"].push_back({{"key", a.key}, {"service", a.name}, {"what", a.what}});
        }
        out["kept_young"] = report.kept_young;
        out["kept_changed"] = report.kept_changed;
        out["finished_replacement"] = report.finished_replacement;
        write_out(out.dump(2) + "\n");
        return;
    }
    if (report.finished_replacement) {
        print_out("{} an interrupted replacement of the registry (store import)\n",
                  dry_run ? "would finish" : "finished");
    }
    for (const auto& a : report.actions) {
        print_out("{}{}: {} ({})\n", dry_run ? "would fix " : "", util::printable_text(a.key),
                  util::printable_text(a.what), util::printable_text(a.name));
    }
    if (report.kept_changed > 0) {
        print_out("{} leftover{} changed while repairing, left for the next repair\n",
                  report.kept_changed, report.kept_changed == 1 ? "" : "s");
    }
    print_out("{} leftover{} {}, {} younger than the grace period left alone\n",
              report.actions.size(), report.actions.size() == 1 ? "" : "s",
              dry_run ? "to repair" : "repaired", report.kept_young);
}

std::function<int()> setup_store_repair(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string grace = "30";
        bool dry_run = false, json = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("--grace", o->grace,
                   "seconds a leftover must have existed before it is removed (default 30)");
    app.add_flag("--dry-run", o->dry_run, "say what would be repaired, change nothing");
    app.add_flag("--json", o->json, "print the repairs as JSON");
    return [o, &global] {
        auto grace = parse_decimal(o->grace, "grace", 0, 86400);
        if (!grace) {
            return report(grace.error());
        }
        auto store = open_fleet_store(global);
        if (!store) {
            return report(store.error());
        }
        auto done = (*store)->repair(
            RepairOptions{std::chrono::seconds{static_cast<long>(*grace)}, o->dry_run});
        if (!done) {
            return report(done.error());
        }
        print_repair(*done, o->dry_run, o->json);
        return 0;
    };
}

}  // namespace

std::function<int()> setup_store(CLI::App& app, const GlobalOptions& global) {
    app.require_subcommand(1, 1);
    std::vector<std::pair<CLI::App*, std::function<int()>>> subs;
    auto add = [&](const char* name, const char* summary, auto setup) {
        CLI::App* sub = app.add_subcommand(name, summary);
        subs.emplace_back(sub, setup(*sub, global));
    };
    add("init", "create the bucket and load the ADR-014 default or a file", setup_store_init);
    add("snapshot", "print the registry as canonical TOML (as the file store writes it)",
        setup_store_snapshot);
    add("import", "replace the store's registry with a registry file", setup_store_import);
    add("repair", "remove what interrupted transactions left behind", setup_store_repair);
    return [subs] {
        for (const auto& [sub, run] : subs) {
            if (sub->parsed()) {
                return run();
            }
        }
        return 2;
    };
}

}  // namespace harmony::cli
