// `allocate NAME`: place a service by the deterministic rule; print only its port(s).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <harmony/network/service_name.hpp>

#include "commands.hpp"
#include "live.hpp"
#include "output.hpp"

namespace harmony::cli {

namespace {

struct Options {
    std::string name, pool, protocol, owner, notes, process;
    std::string count, port;  // text: read as decimal by the library, not by CLI11
    bool probe = false, allow_registered = false, json = false, dry_run = false;
};

void add_options(CLI::App& app, Options& o) {
    app.add_option("name", o.name, "service name (a-z 0-9 - ., 1-63 characters)")->required();
    app.add_option("--pool", o.pool, "named pool to allocate from (default: the default pool)");
    app.add_option("--protocol", o.protocol, "tcp (default), udp or tcp+udp");
    app.add_option("--count", o.count, "allocate a contiguous block of this many ports (decimal)")
        ->type_name("K");
    app.add_option("--port", o.port, "pin this port (first port of a block)")->type_name("N");
    app.add_option("--owner", o.owner, "who owns the service (free text)");
    app.add_option("--notes", o.notes, "notes (free text)");
    app.add_option("--process", o.process, "expected process name (comm) listening on it");
    app.add_flag("--probe", o.probe, "also skip ports that are in use on this host now");
    app.add_flag("--allow-registered", o.allow_registered,
                 "keep IANA-registered and known-software ports as candidates");
    app.add_flag("--json", o.json, "print {\"name\",\"first\",\"last\",\"protocols\"}");
    app.add_flag("--dry-run", o.dry_run,
                 "print the port it would give and what would change; write nothing");
}

// The options as the allocator takes them; the library reads and limits every value.
Expected<AllocateOptions> allocate_options(const CLI::App& app, const Options& o) {
    AllocateOptions options;
    options.pool = o.pool;
    options.allow_registered = o.allow_registered;
    if (!o.protocol.empty()) {
        auto p = parse_protocols(o.protocol);
        if (!p) {
            return std::unexpected(p.error());
        }
        options.protocols = *p;
    }
    if (app.count("--count") > 0) {
        auto count = parse_block_size(o.count);
        if (!count) {
            return std::unexpected(count.error());
        }
        options.count = *count;
    }
    if (app.count("--port") > 0) {
        auto port = parse_port_number(o.port);
        if (!port) {
            return std::unexpected(port.error());
        }
        options.port = *port;
    }
    // Metadata is validated by the allocator, the one place its limits live.
    for (auto [flag, value, into] : {std::tuple{"--owner", &o.owner, &options.owner},
                                     std::tuple{"--notes", &o.notes, &options.notes},
                                     std::tuple{"--process", &o.process, &options.process}}) {
        if (app.count(flag) > 0) {
            *into = *value;
        }
    }
    return options;
}

}  // namespace

std::function<int()> setup_allocate(CLI::App& app, const GlobalOptions& global) {
    auto o = std::make_shared<Options>();
    add_options(app, *o);
    return [o, &app, &global] {
        auto parsed = allocate_options(app, *o);
        if (!parsed) {
            return report(parsed.error());
        }
        AllocateOptions& options = *parsed;
        PortRange ports;
        Protocols protocols = Protocols::tcp;
        bool changed = false;
        auto store = open_store(global);
        if (!store) {
            return report(store.error());
        }
        (*store)->set_dry_run(o->dry_run);
        auto done = (*store)->transact([&](PortAllocator& allocator) -> Expected<void> {
            if (o->probe) {
                // Under the registry lock, so the picture is as fresh as the registry.
                auto probe = probe_for(allocator.registry().range);
                if (!probe) {
                    return std::unexpected(probe.error());
                }
                options.probe = std::move(*probe);
            }
            const auto before = allocator.revision();
            auto placed = allocator.allocate(o->name, options);
            if (!placed) {
                return std::unexpected(placed.error());
            }
            changed = allocator.revision() != before;
            ports = *placed;
            protocols = allocator.find(o->name)->protocols;
            return {};
        });
        if (!done) {
            return report(done.error());
        }
        if (o->dry_run) {
            const std::string held = fmt::format("{}/{}", ports.to_string(), to_string(protocols));
            print_err("dry run",
                      changed
                          ? fmt::format("would allocate {} at {} (nothing written)", o->name, held)
                          : fmt::format("{} already has {} (nothing to write)", o->name, held));
        } else {
            // Printed only after the registry is durable on disk; if printing fails, say so.
            note_durable_change({}, Hint{HintKind::show_allocation, o->name});
        }
        if (o->json) {
            nlohmann::ordered_json j{{"name", o->name},
                                     {"first", ports.first},
                                     {"last", ports.last},
                                     {"protocols", protocol_list(protocols)}};
            write_out(j.dump() + "\n");
        } else {
            write_out(ports.to_string() + "\n");
        }
        return 0;
    };
}

}  // namespace harmony::cli
