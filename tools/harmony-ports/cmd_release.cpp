// `release NAME`: remove an allocation; its ports wait in quarantine.
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"

namespace harmony::cli {

std::function<int()> setup_release(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        std::string name;
        int quarantine_days = -1;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("name", o->name, "service name to release")->required();
    app.add_option("--quarantine-days", o->quarantine_days,
                   "keep its ports from other names this long (default: the registry's "
                   "quarantine_days, 30)");
    app.add_flag("--json", o->json, "print the released entry as JSON");
    return [o, &app, &global] {
        ReleaseOptions options;
        if (app.count("--quarantine-days") > 0) {
            if (o->quarantine_days < 0 || o->quarantine_days > 3650) {
                return report(Error{ErrorCode::invalid_argument,
                                    fmt::format("invalid --quarantine-days {}: must be 0-3650",
                                                o->quarantine_days)});
            }
            options.quarantine_days = o->quarantine_days;
        }
        Released released;
        auto store = open_store(global);
        if (!store) {
            return report(store.error());
        }
        auto done = store->transact([&](PortAllocator& allocator) -> Expected<void> {
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
            std::printf("%s\n", j.dump().c_str());
        } else if (quarantined) {
            std::printf("released %s %s/%s; quarantined until %s\n", released.name.c_str(),
                        released.ports.to_string().c_str(),
                        std::string(to_string(released.protocols)).c_str(),
                        format_time(released.until).c_str());
        } else {
            std::printf("released %s %s/%s; no quarantine\n", released.name.c_str(),
                        released.ports.to_string().c_str(),
                        std::string(to_string(released.protocols)).c_str());
        }
        return 0;
    };
}

}  // namespace harmony::cli
