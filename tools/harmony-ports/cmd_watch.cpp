// `watch`: every change to a fleet store, as it happens, until interrupted.
#include <csignal>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_interrupt(int /*signal*/) {
    g_interrupted = 1;
}

std::string event_line(const StoreEvent& e, bool json) {
    if (json) {
        nlohmann::ordered_json j{{"revision", e.revision},
                                 {"time", format_time(e.time)},
                                 {"kind", e.kind},
                                 {"key", e.key},
                                 {"name", e.name}};
        if (e.ports) {
            j["first"] = e.ports->first;
            j["last"] = e.ports->last;
        }
        if (e.protocols) {
            j["protocols"] = protocol_list(*e.protocols);
        }
        return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    }
    std::string ports = e.ports ? e.ports->to_string() : std::string("-");
    if (e.ports && e.protocols) {
        ports += "/" + std::string(to_string(*e.protocols));
    }
    return fmt::format("{:>8}  {}  {:<18}  {:<24}  {}\n", e.revision, format_time(e.time), e.kind,
                       or_dash(e.name, 63), ports);
}

}  // namespace

std::function<int()> setup_watch(CLI::App& app, const GlobalOptions& global) {
    auto json = std::make_shared<bool>(false);
    app.add_flag("--json", *json, "one JSON object per change");
    return [json, &global] {
        auto store = open_fleet_store(global);
        if (!store) {
            return report(store.error());
        }
        std::signal(SIGINT, on_interrupt);
        std::signal(SIGTERM, on_interrupt);
        auto done = (*store)->watch(
            [&](const StoreEvent& event) {
                write_out(event_line(event, *json));
                std::fflush(stdout);  // a reader of a pipe sees each change at once
                return g_interrupted == 0;
            },
            [] { return g_interrupted != 0; });
        return done ? 0 : report(done.error());
    };
}

}  // namespace harmony::cli
