// `get NAME`: one allocation in full (kubectl describe-like), its quarantine history and,
// with --host, what holds its ports on this host now.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <harmony/network/export.hpp>
#include <harmony/network/registry_lookup.hpp>

#include "commands.hpp"
#include "live.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

using nlohmann::ordered_json;

struct Options {
    std::string name;
    bool json = false, host = false;
    HostOptions live;
};

// The scan rows on `a`'s ports for its protocols: sockets holding them, or "not listening".
std::vector<ScanRow> holders_of(const Allocation& a, const std::vector<ScanRow>& rows) {
    std::vector<ScanRow> out;
    for (const auto& row : rows) {
        if (shares_protocol(a.protocols, row.protocol) && row.ports.first <= a.ports.last &&
            a.ports.first <= row.ports.last) {
            out.push_back(row);
        }
    }
    return out;
}

std::string holder_text(const ScanRow& row) {
    const std::string where = fmt::format("{}/{}", row.ports.to_string(), to_string(row.protocol));
    if (row.verdict == Verdict::not_listening) {
        return fmt::format("{} free", where);
    }
    return fmt::format("{} {} (pid {}) on {}", where, or_dash(row.process, 32),
                       row.pid == 0 ? std::string("unknown") : std::to_string(row.pid),
                       or_dash(row.address, 64));
}

// `Key: value` lines, the values aligned; a list value goes on lines of its own below.
void print_entries(const NamedEntries& entries, const std::optional<std::vector<ScanRow>>& held,
                   std::string_view name) {
    auto line = [](std::string_view key, const std::string& value) {
        print_out("{:<12}{}\n", fmt::format("{}:", key), value);
    };
    line("Name", util::printable_text(name, 63));
    line("State", entries.allocation ? "allocated" : "quarantined");
    if (const auto& a = entries.allocation) {
        line("Ports", a->ports.to_string());
        line("Protocols", std::string(to_string(a->protocols)));
        line("Pool", a->pool.empty() ? std::string("default") : or_dash(a->pool, 63));
        line("Owner", or_dash(a->owner));
        line("Notes", or_dash(a->notes, 200));
        line("Process", or_dash(a->process, 32));
    }
    if (entries.quarantine.empty()) {
        line("Quarantine", "(none)");
    } else {
        line("Quarantine", "");
        for (const auto& e : entries.quarantine) {
            print_out("  {}/{} until {}\n", e.ports.to_string(), to_string(e.protocols),
                      format_time(e.until));
        }
    }
    if (held) {
        line("Holders", held->empty() ? std::string("(none)") : std::string());
        for (const auto& row : *held) {
            print_out("  {}\n", holder_text(row));
        }
    }
}

// The allocation's object (allocation_json, the shape list and export give it) plus state,
// quarantine and, with --host, holders. A name only in quarantine: name, state, quarantine.
std::string entries_json(const NamedEntries& entries,
                         const std::optional<std::vector<ScanRow>>& held, std::string_view name) {
    ordered_json out = entries.allocation
                           ? ordered_json::parse(allocation_json(*entries.allocation))
                           : ordered_json{{"name", name}};
    out["state"] = entries.allocation ? "allocated" : "quarantined";
    out["quarantine"] = ordered_json::array();
    for (const auto& e : entries.quarantine) {
        out["quarantine"].push_back(ordered_json::parse(released_json(e)));
    }
    if (held) {
        out["holders"] = ordered_json::array();
        for (const auto& row : *held) {
            out["holders"].push_back(scan_row_json(row));  // the rows of scan --json
        }
    }
    return out.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::function<int()> setup_get(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<Options>();
    app.add_option("name", o->name, "service name")->required();
    app.add_flag("--json", o->json,
                 "print the allocation as list --json does, plus state, quarantine (and holders)");
    app.add_flag("--host", o->host, "also show what holds its ports on this host now");
    add_host_options(app, o->live);
    return [o, &global] {
        auto loaded = load_for_reading(global);
        if (!loaded) {
            return report(loaded.error());
        }
        auto entries = find_named_entries(loaded->registry, o->name, loaded->label);
        if (!entries) {
            return report(entries.error());
        }
        std::optional<std::vector<ScanRow>> held;
        if (o->host && entries->allocation) {
            auto inside = enter_netns(o->live);
            if (!inside) {
                return report(inside.error());
            }
            auto view = look_at_host(loaded->registry, o->live, entries->allocation->ports);
            if (!view) {
                return report(view.error());
            }
            held = holders_of(*entries->allocation, view->rows);
        }
        if (o->json) {
            write_out(entries_json(*entries, held, o->name));
        } else {
            print_entries(*entries, held, o->name);
        }
        return 0;
    };
}

}  // namespace harmony::cli
