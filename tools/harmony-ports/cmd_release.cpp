// `release NAME`: remove an allocation; its ports wait in quarantine.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace harmony::cli {

std::function<int()> setup_release(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string name;
        std::string quarantine_days;  // text: read as decimal by the library, not by CLI11
        bool json = false, dry_run = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("name", o->name, "service name to release")->required();
    app.add_option("--quarantine-days", o->quarantine_days,
                   "keep its ports from other names this long (default: the registry's "
                   "quarantine_days, 30)")
        ->type_name("D");
    app.add_flag("--json", o->json, "print the released entry as JSON");
    app.add_flag("--dry-run", o->dry_run, "say what would be released; write nothing");
    return [o, &app, &global] {
        ReleaseOptions options;
        if (app.count("--quarantine-days") > 0) {
            auto days = parse_quarantine_days(o->quarantine_days);
            if (!days) {
                return report(days.error());
            }
            options.quarantine_days = *days;
        }
        Released released;
        auto store = open_store(global);
        if (!store) {
            return report(store.error());
        }
        (*store)->set_dry_run(o->dry_run);
        auto done = (*store)->transact([&](PortAllocator& allocator) -> Expected<void> {
            auto r = allocator.release(o->name, options);
            if (!r) {
                return std::unexpected(r.error());
            }
            released = *r;
            return {};
        });
        if (!done) {
            return report(done.error());
        }
        bool quarantined = released.until > released.released_at;
        const std::string held =
            fmt::format("{}/{}", released.ports.to_string(), to_string(released.protocols));
        if (o->dry_run) {
            print_err("dry run", quarantined
                                     ? fmt::format("would release {} ({}), quarantined until {}",
                                                   released.name, held, format_time(released.until))
                                     : fmt::format("would release {} ({}), no quarantine",
                                                   released.name, held));
        }
        if (o->dry_run && !o->json) {
            return 0;
        }
        if (!o->dry_run) {  // durable now: should printing fail, say that it was done
            note_durable_change(fmt::format("released {} ({})", released.name, held));
        }
        if (o->json) {
            nlohmann::ordered_json j{
                {"name", released.name},
                {"first", released.ports.first},
                {"last", released.ports.last},
                {"protocols", protocol_list(released.protocols)},
                {"until", quarantined ? nlohmann::ordered_json(format_time(released.until))
                                      : nlohmann::ordered_json(nullptr)}};
            write_out(j.dump() + "\n");
        } else if (quarantined) {
            print_out("released {} {}; quarantined until {}\n", released.name, held,
                      format_time(released.until));
        } else {
            print_out("released {} {}; no quarantine\n", released.name, held);
        }
        return 0;
    };
}

}  // namespace harmony::cli
