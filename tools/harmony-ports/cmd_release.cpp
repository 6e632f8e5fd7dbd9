// `release NAME`: remove an allocation; its ports wait in quarantine.
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "output.hpp"

namespace harmony::cli {

std::function<int()> setup_release(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string name;
        std::string quarantine_days;  // text: read as decimal by the library, not by CLI11
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("name", o->name, "service name to release")->required();
    app.add_option("--quarantine-days", o->quarantine_days,
                   "keep its ports from other names this long (default: the registry's "
                   "quarantine_days, 30)")
        ->type_name("D");
    app.add_flag("--json", o->json, "print the released entry as JSON");
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
            print_out("released {} {}/{}; quarantined until {}\n", released.name,
                      released.ports.to_string(), to_string(released.protocols),
                      format_time(released.until));
        } else {
            print_out("released {} {}/{}; no quarantine\n", released.name,
                      released.ports.to_string(), to_string(released.protocols));
        }
        return 0;
    };
}

}  // namespace harmony::cli
