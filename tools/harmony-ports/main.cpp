// harmony-ports: parse, call the library, print. Sub-commands live in a table (as ninja's).
#include <csignal>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <harmony/network/version.hpp>

#include "command_tree.hpp"
#include "commands.hpp"
#include "error_json.hpp"
#include "manual.hpp"
#include "output.hpp"
#include "util/did_you_mean.hpp"
#include "util/printable.hpp"

using namespace harmony::cli;

namespace {

const std::vector<Command>& command_table() {
    static const std::vector<Command> table = {
        {"init", "write harmony.toml and the registry with the ADR-014 table", setup_init},
        {"list", "show the range, pools and allocations", setup_list},
        {"get", "show one allocation in full, its quarantine and (--host) its holders", setup_get},
        {"allocate", "give a service its port (deterministic, idempotent)", setup_allocate},
        {"release", "free a service's ports into quarantine", setup_release},
        {"check", "report policy and registry problems", setup_check},
        {"map", "draw the range: pools, allocations, quarantine, what holds each port", setup_map},
        {"scan", "show what listens on this host, judged by the registry", setup_scan},
        {"export", "render the registry for other tools", setup_export},
        {"store", "set up, snapshot, import and repair a fleet store", setup_store},
        {"watch", "stream every change to a fleet store", setup_watch},
        {"agent", "publish this host's report to the fleet store, every interval", setup_agent},
        {"merge-driver", "git's merge driver: merge three registry versions as data",
         setup_merge_driver},
        {"git", "set up this git repository to merge registries as data", setup_git},
        {"diff", "show what changed in the registry between revisions, and what breaks",
         setup_diff},
        {"help", "show the help of the program or of a command; write the man pages", setup_help},
        {"completion", "print the bash, zsh or fish completion script", setup_completion},
    };
    return table;
}

// The first word that is not an option (or an option's value) is the sub-command.
std::string first_command_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--registry" || arg == "--lock-timeout" || arg == "--color" ||
            arg.starts_with("--store")) {
            ++i;
            continue;
        }
        if (!arg.empty() && arg[0] != '-') {
            return std::string(arg);
        }
    }
    return {};
}

int run(int argc, char** argv) {
    CLI::App app{
        "harmony-ports: Harmony's port registry and allocator (ADR-014).\n"
        "Without a sub-command: the allocation table and policy findings.",
        "harmony-ports"};
    app.set_version_flag("--version", fmt::format("harmony-ports {}", harmony::network::k_version));
    app.footer(help_footer());
    GlobalOptions global;
    add_global_options(app, global);
    app.require_subcommand(0, 1);
    app.fallthrough();

    std::vector<std::string> names;
    std::function<int()> run;
    std::vector<std::pair<CLI::App*, std::function<int()>>> commands;
    for (const auto& command : command_table()) {
        CLI::App* sub = app.add_subcommand(std::string(command.name), std::string(command.summary));
        commands.emplace_back(sub, command.setup(*sub, global));
        names.emplace_back(command.name);
    }
    auto status = setup_status(app, global);

    const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
    if (!args.empty() && args.front() == "__complete") {
        return run_complete(app, {args.begin() + 1, args.end()});
    }
    std::string word = first_command_word(argc, argv);
    if (!word.empty() && std::find(names.begin(), names.end(), word) == names.end()) {
        auto hint = harmony::util::closest_match(word, names);
        print_err("error",
                  fmt::format("unknown command '{}' ({})", harmony::util::printable_text(word),
                              hint.empty() ? std::string("see harmony-ports --help")
                                           : fmt::format("did you mean {}?", hint)));
        return 2;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // Bad usage under --json is JSON too: exit 2 as ever.
        set_json_errors(std::find(argv + 1, argv + argc, std::string_view("--json")) !=
                        argv + argc);
        const std::string unknown = unknown_option_message(app, args);
        return report(Error{ErrorCode::invalid_argument, unknown.empty() ? e.what() : unknown});
    }
    set_output_mode({global.quiet, global.color == "always"  ? ColorMode::always
                                   : global.color == "never" ? ColorMode::never
                                                             : ColorMode::automatic});
    for (auto& [sub, fn] : commands) {
        if (sub->parsed()) {
            set_json_errors(given_json(*sub));
            return fn();
        }
    }
    return status();
}

}  // namespace

int main(int argc, char** argv) {
    // A closed pipe is a failed write like any other: reported, exit 3, never a silent death.
    std::signal(SIGPIPE, SIG_IGN);
    // The library returns errors as values; only allocation failure or a bug can throw.
    int code = 3;
    try {
        code = run(argc, argv);
    } catch (const std::exception& e) {
        print_err("error", e.what());
    }
    return finish_output(code);
}
