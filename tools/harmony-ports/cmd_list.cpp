// `list` and the default view (`harmony-ports` alone): allocations, policy findings and
// live conflicts on this host.
#include <fmt/format.h>

#include <harmony/network/check.hpp>
#include <harmony/network/export.hpp>
#include <harmony/network/registry_lookup.hpp>

#include "commands.hpp"
#include "live.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

void print_allocations(const Registry& r, bool headers) {
    if (headers) {
        print_out("{:<32} {:<12} {:<8} {:<14} {:<16} {}\n", "NAME", "PORTS", "PROTO", "POOL",
                  "OWNER", "NOTES");
    }
    std::size_t shown = 0;
    for (const auto& a : r.allocations) {
        ++shown;
        print_out("{:<32} {:<12} {:<8} {:<14} {:<16} {}\n", or_dash(a.name, 63),
                  a.ports.to_string(), to_string(a.protocols), or_dash(a.pool, 63),
                  or_dash(a.owner, 16), or_dash(a.notes, 60));
    }
    if (shown == 0 && headers) {
        print_out("(no allocations)\n");
    }
}

void print_pools(const Registry& r) {
    print_out("\n{:<32} {:<12} {:<9} {}\n", "POOL", "PORTS", "RESERVED", "USED");
    for (const auto& p : r.pools) {
        std::uint32_t used = 0;
        for (const auto& a : r.allocations) {
            if (a.pool == p.name) {
                used += a.ports.size();
            }
        }
        print_out("{:<32} {:<12} {:<9} {}/{}\n", or_dash(p.name, 63), p.ports.to_string(),
                  p.reserved ? "yes" : "no", used, p.ports.size());
    }
}

void print_quarantine(const Registry& r) {
    print_out("\n{:<32} {:<12} {:<8} {}\n", "QUARANTINED", "PORTS", "PROTO", "UNTIL");
    for (const auto& e : r.released) {
        print_out("{:<32} {:<12} {:<8} {}\n", or_dash(e.name, 63), e.ports.to_string(),
                  to_string(e.protocols), format_time(e.until));
    }
}

// Every free-text cell goes through or_dash (printable_text): a registry is untrusted input,
// and the default view shows even a registry that does not validate. Without headers only the
// allocation rows are left: the other tables need their headers to be told apart. A registry
// `filtered` to one pool's allocations shows only them.
void print_table(const Registry& r, const std::string& label, bool filtered, bool headers) {
    if (!headers) {
        print_allocations(r, false);
        return;
    }
    print_out("range {} ({} ports) from {}\n\n", r.range.to_string(), r.range.size(),
              util::terminal_safe(label));
    print_allocations(r, true);
    if (!r.pools.empty() && !filtered) {
        print_pools(r);
    }
    if (!r.released.empty() && !filtered) {
        print_quarantine(r);
    }
}

}  // namespace

std::function<int()> setup_list(CLI::App& app, const GlobalOptions& global) {
    struct Options {
        bool json = false;
        std::string pool;
    };
    auto opts = std::make_shared<Options>();
    app.add_flag("--json", opts->json, "print one JSON object (product contract shape)");
    app.add_option("--pool", opts->pool, "only allocations of this pool ('default' for none)");
    return [opts, &global] {
        auto loaded = load_for_reading(global);
        if (!loaded) {
            return report(loaded.error());
        }
        Registry r = std::move(loaded->registry);
        canonicalize(r);
        if (!opts->pool.empty()) {
            auto pool = lookup_pool(r, opts->pool, loaded->label);
            if (!pool) {
                return report(pool.error());
            }
            std::erase_if(r.allocations, [&](const Allocation& a) { return a.pool != pool->name; });
        }
        if (opts->json) {
            write_out(render_list_json(r));
            return 0;
        }
        print_table(r, loaded->label, !opts->pool.empty(), !global.no_headers);
        return 0;
    };
}

std::function<int()> setup_status(CLI::App& app, const GlobalOptions& global) {
    (void)app;
    return [&global] {
        auto store = open_store(global);
        if (!store) {
            return report(store.error());
        }
        auto checked = check_store(**store, CheckOptions{});
        if (!checked) {
            return report(checked.error());
        }
        Registry& registry = checked->registry;
        auto* findings = &checked->findings;
        // The main job shows live conflicts too; a host that cannot be read only loses those.
        auto live = add_host_findings(registry, HostOptions{}, *findings);
        canonicalize(registry);
        print_table(registry, (*store)->label(), false, !global.no_headers);
        write_out("\n");
        print_findings(*findings);
        if (!live) {
            print_err("note", "live conflicts not checked: " + live.error().message);
        }
        return count_findings(*findings, Severity::error) > 0 ? 1 : 0;
    };
}

}  // namespace harmony::cli
