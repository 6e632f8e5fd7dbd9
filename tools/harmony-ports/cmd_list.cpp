// `list` and the default view (`harmony-ports` alone): allocations, policy findings and
// live conflicts on this host.
#include <cstdio>

#include <fmt/format.h>

#include <harmony/network/export.hpp>

#include "commands.hpp"
#include "live.hpp"

namespace harmony::cli {
namespace {

// Free text in a table cell: one line, cut to `width`.
std::string cell(std::string_view text, std::size_t width) {
    std::string out;
    for (char c : text) {
        out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    }
    if (out.size() > width) {
        out = out.substr(0, width - 3) + "...";
    }
    return out.empty() ? "-" : out;
}

void print_table(const Registry& r, const std::string& label, const std::string& pool_filter) {
    std::printf("range %s (%u ports) from %s\n\n", r.range.to_string().c_str(), r.range.size(),
                label.c_str());
    std::printf("%-32s %-12s %-8s %-14s %-16s %s\n", "NAME", "PORTS", "PROTO", "POOL", "OWNER",
                "NOTES");
    std::size_t shown = 0;
    for (const auto& a : r.allocations) {
        if (!pool_filter.empty() && a.pool != (pool_filter == "default" ? "" : pool_filter)) {
            continue;
        }
        ++shown;
        std::printf("%-32s %-12s %-8s %-14s %-16s %s\n", a.name.c_str(),
                    a.ports.to_string().c_str(), std::string(to_string(a.protocols)).c_str(),
                    or_dash(a.pool).c_str(), cell(a.owner, 16).c_str(), cell(a.notes, 60).c_str());
    }
    if (shown == 0) {
        std::printf("(no allocations)\n");
    }
    if (!r.pools.empty() && pool_filter.empty()) {
        std::printf("\n%-32s %-12s %-9s %s\n", "POOL", "PORTS", "RESERVED", "USED");
        for (const auto& p : r.pools) {
            std::uint32_t used = 0;
            for (const auto& a : r.allocations) {
                if (a.pool == p.name) {
                    used += a.ports.size();
                }
            }
            std::printf("%-32s %-12s %-9s %u/%u\n", p.name.c_str(), p.ports.to_string().c_str(),
                        p.reserved ? "yes" : "no", used, p.ports.size());
        }
    }
    if (!r.released.empty() && pool_filter.empty()) {
        std::printf("\n%-32s %-12s %-8s %s\n", "QUARANTINED", "PORTS", "PROTO", "UNTIL");
        for (const auto& e : r.released) {
            std::printf("%-32s %-12s %-8s %s\n", e.name.c_str(), e.ports.to_string().c_str(),
                        std::string(to_string(e.protocols)).c_str(), format_time(e.until).c_str());
        }
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
        if (!opts->pool.empty() && opts->pool != "default") {
            bool known = std::any_of(r.pools.begin(), r.pools.end(),
                                     [&](const Pool& p) { return p.name == opts->pool; });
            if (!known) {
                return report(Error{ErrorCode::not_found, fmt::format("{}: no pool named '{}'",
                                                                      loaded->label, opts->pool)});
            }
        }
        if (opts->json) {
            if (!opts->pool.empty()) {
                std::string pool = opts->pool == "default" ? "" : opts->pool;
                std::erase_if(r.allocations, [&](const Allocation& a) { return a.pool != pool; });
            }
            std::fputs(render_list_json(r).c_str(), stdout);
            return 0;
        }
        print_table(r, loaded->label, opts->pool);
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
        Registry registry;
        auto findings = run_checks(*store, &registry);
        if (!findings) {
            return report(findings.error());
        }
        // The main job shows live conflicts too; a host that cannot be read only loses those.
        auto live = add_host_findings(registry, HostOptions{}, *findings);
        canonicalize(registry);
        print_table(registry, store->label(), "");
        std::printf("\n");
        print_findings(*findings);
        if (!live) {
            std::fprintf(stderr, "harmony-ports: note: live conflicts not checked: %s\n",
                         live.error().message.c_str());
        }
        return count_findings(*findings, Severity::error) > 0 ? 1 : 0;
    };
}

}  // namespace harmony::cli
