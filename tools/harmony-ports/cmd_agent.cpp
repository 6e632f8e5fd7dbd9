// `agent`: publishes this host's report (sockets in the range with their owners, the kernel's
// port settings, a timestamp) to the fleet store under the host's name, every --interval
// seconds until SIGINT or SIGTERM, or once.
#include <chrono>
#include <csignal>
#include <thread>

#include <harmony/network/fleet_store.hpp>
#include <harmony/network/host_report.hpp>
#include <harmony/network/number.hpp>

#include "commands.hpp"
#include "live.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_stop_signal(int /*signal*/) {
    g_stop = 1;
}

// SIGINT and SIGTERM end the loop after the round in progress (exit 0).
void catch_stop_signals() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

struct AgentOptions {
    std::string host, interval = "30";
    HostOptions live;
    bool once = false, json = false;
};

// This host's report on the store's current range, read inside --netns (left before return).
Expected<HostReport> scan_once(FleetRegistryStore& store, const AgentOptions& o,
                               std::chrono::seconds interval) {
    auto registry = store.read();
    if (!registry) {
        return std::unexpected(registry.error());
    }
    auto source = parse_scan_source(o.live.source);
    if (!source) {
        return std::unexpected(source.error());
    }
    auto inside = enter_netns(o.live);
    if (!inside) {
        return std::unexpected(inside.error());
    }
    return make_host_report({o.host, interval, registry->range, *source}, SystemHostScanner{},
                            read_host_facts());
}

// One round: scan, publish, say so (the report itself with --json).
Expected<void> publish_once(FleetRegistryStore& store, const AgentOptions& o,
                            std::chrono::seconds interval) {
    auto report = scan_once(store, o, interval);
    if (!report) {
        return std::unexpected(report.error());
    }
    const std::string text = render_host_report(*report);
    if (auto put = store.put_host_report(o.host, text); !put) {
        return put;
    }
    if (o.json) {
        write_out(text + "\n");
    } else {
        print_out("published host {} to {}: {} socket(s) on {} at {}\n", o.host,
                  util::terminal_safe(store.label()), report->scan.listeners.size(),
                  report->range.to_string(), format_time(report->published_at));
    }
    flush_out();
    return {};
}

// Sleeps `interval` in short steps; false once a stop signal came.
bool wait_for_next_round(std::chrono::seconds interval) {
    const auto until = std::chrono::steady_clock::now() + interval;
    while (g_stop == 0 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return g_stop == 0;
}

int run_agent(const AgentOptions& o, const GlobalOptions& global) {
    if (auto name = validate_host_name(o.host); !name) {
        return report(name.error());
    }
    auto interval = parse_decimal(o.interval, "report interval", 1, 86400);
    if (!interval) {
        return report(interval.error());
    }
    auto store = open_fleet_store(global);
    if (!store) {
        return report(store.error());
    }
    catch_stop_signals();
    const std::chrono::seconds every(static_cast<long>(*interval));
    do {
        auto published = publish_once(**store, o, every);
        // Once, or a problem no later round can mend: the exit code says it. An unreachable
        // store may come back: said on stderr, tried again next round.
        if (!published && (o.once || published.error().code != ErrorCode::io_error)) {
            return report(published.error());
        }
        if (!published) {
            report(published.error());
        }
    } while (!o.once && wait_for_next_round(every));
    return 0;
}

}  // namespace

std::function<int()> setup_agent(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<AgentOptions>();
    app.add_option("--host", o->host, "the host's name: its key in the store (A-Z a-z 0-9 . _ -)")
        ->required();
    app.add_option("--interval", o->interval,
                   "seconds between reports (decimal 1-86400, default 30); check --fleet calls "
                   "a host stale after three");
    app.add_flag("--once", o->once, "publish one report and exit");
    app.add_flag("--json", o->json, "print each report published, one JSON document a line");
    add_host_options(app, o->live);
    return [o, &global] { return run_agent(*o, global); };
}

}  // namespace harmony::cli
