#include "context.hpp"

#include <unistd.h>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hint_text.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace fs = std::filesystem;

std::string explicit_registry_path(const GlobalOptions& global) {
    if (!global.registry.empty()) {
        return global.registry;
    }
    const char* env = std::getenv("HARMONY_PORTS_REGISTRY");
    return env != nullptr ? std::string(env) : std::string{};
}

Expected<Location> locate(const GlobalOptions& global) {
    const std::string explicit_path = explicit_registry_path(global);
    if (!explicit_path.empty()) {
        fs::path path(explicit_path);
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("{}: is a folder; name the registry file inside it "
                                    "(e.g. {}/{})",
                                    explicit_path, explicit_path, k_registry_file));
        }
        return Location{paths_for(path), path.string()};
    }
    std::error_code ec;
    auto cwd = fs::current_path(ec);
    if (ec) {
        return fail(ErrorCode::io_error,
                    fmt::format("cannot read the working folder: {}", ec.message()));
    }
    if (auto found = discover_registry(cwd)) {
        if (auto all = registry_files_in(found->parent_path()); all.size() > 1) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("both {} and {} exist; keep one registry per folder",
                                    all[0].string(), all[1].string()));
        }
        return Location{paths_for(*found), found->string()};
    }
    // No registry anywhere above: the embedded table, on harmony.toml's range if there is one.
    if (auto config = discover_config(cwd)) {
        auto text = read_file(*config);
        if (!text) {
            return std::unexpected(text.error());
        }
        auto range = parse_harmony_config(*text, config->string());
        if (!range) {
            return std::unexpected(range.error());
        }
        return Location{
            std::nullopt,
            fmt::format("embedded ADR-014 default on the range of {}", config->string()), *range};
    }
    return Location{std::nullopt, "embedded ADR-014 default"};
}

Expected<Loaded> load_for_reading(const GlobalOptions& global) {
    auto where = locate(global);
    if (!where) {
        return std::unexpected(where.error());
    }
    if (!where->paths) {
        Registry registry = adr014_default_registry(where->default_range);
        return Loaded{std::move(*where), std::move(registry)};
    }
    auto registry = load_registry(*where->paths);
    if (!registry) {
        return std::unexpected(registry.error());
    }
    return Loaded{std::move(*where), std::move(*registry)};
}

int report(const Error& error) {
    std::string_view rest = error.message;
    while (true) {
        auto nl = rest.find('\n');
        std::fprintf(stderr, "harmony-ports: error: %.*s\n",
                     static_cast<int>(nl == std::string_view::npos ? rest.size() : nl),
                     rest.data());
        if (nl == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(nl + 1);
    }
    return exit_code_for(error.code);
}

std::string or_dash(std::string_view text, std::size_t limit) {
    return text.empty() ? std::string("-") : util::printable_text(text, limit);
}

bool use_color() {
    const char* no_color = std::getenv("NO_COLOR");
    return (no_color == nullptr || *no_color == '\0') && ::isatty(STDOUT_FILENO) == 1;
}

std::string paint(std::string_view text, Severity severity) {
    static const bool color = use_color();
    if (!color) {
        return std::string(text);
    }
    const char* code = severity == Severity::error     ? "\033[1;31m"
                       : severity == Severity::warning ? "\033[1;33m"
                                                       : "\033[1;36m";
    return fmt::format("{}{}\033[0m", code, text);
}

void print_findings(const std::vector<Finding>& findings) {
    for (const auto& f : findings) {
        std::printf("%s: %s [%s]\n", paint(to_string(f.severity), f.severity).c_str(),
                    f.message.c_str(), f.code.c_str());
        if (f.hint.kind != HintKind::none) {
            std::printf("  hint: %s\n", hint_text(f.hint).c_str());
        }
    }
    int errors = count_findings(findings, Severity::error);
    int warnings = count_findings(findings, Severity::warning);
    int infos = count_findings(findings, Severity::info);
    std::printf("%d error%s, %d warning%s, %d info\n", errors, errors == 1 ? "" : "s", warnings,
                warnings == 1 ? "" : "s", infos);
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
        if (f.hint.kind != HintKind::none) {
            j["hint"] = {{"kind", to_string(f.hint.kind)},
                         {"subject", f.hint.subject},
                         {"text", hint_text(f.hint)}};
        }
        out["findings"].push_back(std::move(j));
    }
    out["errors"] = count_findings(findings, Severity::error);
    out["warnings"] = count_findings(findings, Severity::warning);
    return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Expected<std::vector<Finding>> run_checks(const Location& where, Registry* loaded) {
    Registry registry;
    std::vector<Finding> problems;
    if (where.paths) {
        auto lenient = load_registry_lenient(*where.paths);
        if (!lenient) {
            return std::unexpected(lenient.error());
        }
        registry = std::move(lenient->registry);
        problems = std::move(lenient->problems);
    } else {
        registry = adr014_default_registry(where.default_range);
    }
    auto findings = check_policy(registry, read_host_facts());
    findings.insert(findings.begin(), problems.begin(), problems.end());
    if (loaded != nullptr) {
        *loaded = std::move(registry);
    }
    return findings;
}

Expected<void> emit(const std::string& text, const std::string& path) {
    if (path.empty() || path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return {};
    }
    return write_file_atomically(path, text);
}

}  // namespace harmony::cli

namespace harmony::cli {

Expected<void> update_registry(const GlobalOptions& global,
                               const std::function<Expected<void>(PortAllocator&)>& change) {
    auto where = locate(global);
    if (!where) {
        return std::unexpected(where.error());
    }
    if (!where->paths) {
        return fail(ErrorCode::not_found,
                    fmt::format("no {} found in {} or any folder above it; run `harmony-ports "
                                "init` to create one",
                                k_registry_file, fs::current_path().string()));
    }
    const RegistryPaths& paths = *where->paths;
    auto lock = RegistryLock::acquire(paths.registry.parent_path());
    if (!lock) {
        return std::unexpected(lock.error());
    }
    // Under the lock, temporaries beside the registry belong to writers that died mid-write.
    remove_stale_temporaries(paths.registry);
    // Read under the lock so no concurrent writer's entry can be lost.
    auto registry = load_registry(paths);
    if (!registry) {
        return std::unexpected(registry.error());
    }
    PortAllocator allocator(std::move(*registry));
    allocator.prune_expired(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    // Dropping expired quarantine alone is not worth a write: it rides along with a change.
    const auto before = allocator.revision();
    if (auto changed = change(allocator); !changed) {
        // Name the registry the request was made against, as every other message does.
        return fail(changed.error().code, paths.registry.string() + ": " + changed.error().message);
    }
    if (allocator.revision() == before) {
        return {};  // nothing changed: no write, so an idempotent call works on read-only files
    }
    return write_file_atomically(
        paths.registry, render_registry(allocator.registry(), format_for_path(paths.registry)));
}

}  // namespace harmony::cli
