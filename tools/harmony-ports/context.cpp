#include "context.hpp"

#include <unistd.h>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "error_json.hpp"
#include "hint_text.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace fs = std::filesystem;

namespace {

// Tells the user why the command waits, once, on stderr (stdout stays the command's answer).
void tell_lock_wait(const fs::path& folder, const LockHolder& holder) {
    if (quiet()) {
        return;
    }
    const std::string who = to_string(holder);
    std::fprintf(stderr, "harmony-ports: waiting for the registry lock on %s, held by %s\n",
                 util::printable_text(folder.native(), 4096).c_str(), who.c_str());
}

}  // namespace

void add_global_options(CLI::App& app, GlobalOptions& global) {
    app.add_option("--registry", global.registry,
                   "registry file (default: $HARMONY_PORTS_REGISTRY, else found by walking up "
                   "from the working folder)");
    app.add_option("--lock-timeout", global.lock_timeout,
                   "seconds to wait for a registry lock another process holds (default: "
                   "$HARMONY_PORTS_LOCK_TIMEOUT, else 30)");
    app.add_option("--store", global.store,
                   "fleet store nats://[USER:PASSWORD@]HOST:PORT[,HOST:PORT...][/BUCKET] or "
                   "tls://... (default: $HARMONY_PORTS_STORE, else harmony.toml's "
                   "[harmony.network.store] url, else the registry file)");
    app.add_option("--store-creds", global.store_creds, "NATS .creds file for the store");
    app.add_option("--store-tls-ca", global.store_tls_ca,
                   "CA certificates that sign the store's servers");
    app.add_option("--store-tls-cert", global.store_tls_cert, "client certificate for the store");
    app.add_option("--store-tls-key", global.store_tls_key, "client certificate's key");
    app.add_option("--store-timeout", global.store_timeout,
                   "seconds to wait for the store to connect or answer (default 5); a token "
                   "comes from $HARMONY_PORTS_STORE_TOKEN");
    app.add_option("--color", global.color,
                   "colour: auto (default: on a terminal, unless NO_COLOR is set or TERM=dumb), "
                   "always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    app.add_flag("--no-headers", global.no_headers,
                 "print tables without their header lines (for awk, cut and sort)");
    app.add_flag("-q,--quiet", global.quiet,
                 "print nothing but errors; the exit code tells the result");
}

Expected<FleetOptions> fleet_options(const GlobalOptions& global) {
    FleetOptions fleet;
    fleet.url = global.store;
    fleet.creds = global.store_creds;
    fleet.tls_ca = global.store_tls_ca;
    fleet.tls_cert = global.store_tls_cert;
    fleet.tls_key = global.store_tls_key;
    if (global.store_timeout) {
        auto timeout = parse_store_timeout(*global.store_timeout, "store timeout");
        if (!timeout) {
            return std::unexpected(timeout.error());
        }
        fleet.timeout = *timeout;
    }
    return fleet;
}

Expected<StoreOptions> store_options(const GlobalOptions& global) {
    StoreOptions options;
    options.registry =
        global.registry.empty() ? registry_path_from_environment() : fs::path(global.registry);
    if (global.lock_timeout) {
        auto timeout = parse_lock_timeout(*global.lock_timeout, "lock timeout");
        if (!timeout) {
            return std::unexpected(timeout.error());
        }
        options.lock.timeout = *timeout;
    } else {
        auto timeout = lock_timeout_from_environment();
        if (!timeout) {
            return std::unexpected(timeout.error());
        }
        options.lock.timeout = timeout->value_or(k_default_lock_timeout);
    }
    options.lock.on_wait = tell_lock_wait;
    return options;
}

Expected<std::unique_ptr<RegistryStore>> open_store(const GlobalOptions& global) {
    auto options = store_options(global);
    if (!options) {
        return std::unexpected(options.error());
    }
    auto fleet = fleet_options(global);
    if (!fleet) {
        return std::unexpected(fleet.error());
    }
    // The library weighs the environment's registry against its store.
    options->registry = fs::path(global.registry);
    return open_registry_store(*options, *fleet);
}

Expected<std::unique_ptr<FleetRegistryStore>> open_fleet_store(const GlobalOptions& global) {
    auto store = open_store(global);
    if (!store) {
        return std::unexpected(store.error());
    }
    if (auto* fleet = dynamic_cast<FleetRegistryStore*>(store->get())) {
        (void)store->release();
        return std::unique_ptr<FleetRegistryStore>(fleet);
    }
    return fail(ErrorCode::invalid_argument,
                "this command works on a fleet store, and none is named: pass --store URL, "
                "set HARMONY_PORTS_STORE, or set [harmony.network.store] url in harmony.toml");
}

Expected<Loaded> load_for_reading(const GlobalOptions& global) {
    auto store = open_store(global);
    if (!store) {
        return std::unexpected(store.error());
    }
    auto registry = (*store)->read();
    if (!registry) {
        return std::unexpected(registry.error());
    }
    std::string label = (*store)->label();
    if (const auto* fleet = dynamic_cast<const FleetRegistryStore*>(store->get())) {
        label += fmt::format(" at revision {}", fleet->revision());
    }
    return Loaded{std::move(label), std::move(*registry), store_files(global, **store)};
}

int report(const Error& error) {
    if (json_errors()) {
        write_err(error_json(error));
        return exit_code_for(error.code);
    }
    std::string message = error.message;
    if (error.hint.kind != HintKind::none) {
        message += "; " + hint_text(error.hint);  // on the message's last line
    }
    print_err("error", message);
    return exit_code_for(error.code);
}

std::string or_dash(std::string_view text, std::size_t limit) {
    return text.empty() ? std::string("-") : util::printable_text(text, limit);
}

std::string paint(std::string_view text, Severity severity, bool color) {
    if (!color) {
        return std::string(text);
    }
    const char* code = severity == Severity::error     ? "\033[1;31m"
                       : severity == Severity::warning ? "\033[1;33m"
                                                       : "\033[1;36m";
    return fmt::format("{}{}\033[0m", code, text);
}

std::string paint(std::string_view text, Severity severity) {
    return paint(text, severity, color_enabled());
}

std::string findings_text(const std::vector<Finding>& findings, bool color) {
    std::string out;
    for (const auto& f : findings) {
        out += fmt::format("{}: {} [{}]\n", paint(to_string(f.severity), f.severity, color),
                           f.message, f.code);
        if (f.hint.kind != HintKind::none) {
            out += fmt::format("  hint: {}\n", hint_text(f.hint));
        }
    }
    int errors = count_findings(findings, Severity::error);
    int warnings = count_findings(findings, Severity::warning);
    int infos = count_findings(findings, Severity::info);
    return out + fmt::format("{} error{}, {} warning{}, {} info\n", errors, errors == 1 ? "" : "s",
                             warnings, warnings == 1 ? "" : "s", infos);
}

void print_findings(const std::vector<Finding>& findings) {
    write_out(findings_text(findings, color_enabled()));
}

std::string findings_json(const std::vector<Finding>& findings) {
    nlohmann::ordered_json out;
    out["findings"] = nlohmann::ordered_json::array();
    for (const auto& f : findings) {
        nlohmann::ordered_json j;
        j["severity"] = to_string(f.severity);
        j["code"] = f.code;
        j["message"] = f.message;
        if (f.ports) {
            j["first"] = f.ports->first;
            j["last"] = f.ports->last;
        }
        if (!f.service.empty()) {
            j["service"] = f.service;
        }
        if (!f.platform.empty()) {
            j["platform"] = f.platform;
        }
        if (!f.cluster.empty()) {
            j["cluster"] = f.cluster;
        }
        if (!f.host.empty()) {
            j["host"] = f.host;
        }
        if (f.hint.kind != HintKind::none) {
            j["hint"] = {{"kind", to_string(f.hint.kind)},
                         {"subject", f.hint.subject},
                         {"text", hint_text(f.hint)}};
        }
        out["findings"].push_back(std::move(j));
    }
    out["errors"] = count_findings(findings, Severity::error);
    out["warnings"] = count_findings(findings, Severity::warning);
    out["infos"] = count_findings(findings, Severity::info);
    return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::vector<CommandInput> store_files(const GlobalOptions& global, const RegistryStore& store) {
    auto inputs = store_inputs(store, StoreOptions{});
    for (const auto& [file, what] :
         {std::pair{&global.store_creds, "the store's credentials file"},
          std::pair{&global.store_tls_ca, "the store's CA file"},
          std::pair{&global.store_tls_cert, "the store's client certificate"},
          std::pair{&global.store_tls_key, "the store's client key"}}) {
        if (!file->empty()) {
            inputs.push_back(CommandInput{*file, what});
        }
    }
    return inputs;
}

Expected<void> emit(const std::string& text, const std::string& path,
                    const std::vector<CommandInput>& inputs) {
    if (path.empty() || path == "-") {
        write_out(text);  // a failed write is reported when the command ends
        return {};
    }
    if (auto ok = require_output_not_input(path, inputs); !ok) {
        return ok;
    }
    return write_file_atomically(path, text);
}

}  // namespace harmony::cli
