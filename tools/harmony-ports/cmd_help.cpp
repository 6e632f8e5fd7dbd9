// `help [COMMAND...]`, `help --man-dir DIR`, `completion SHELL`, and the hidden `__complete`
// the completion scripts call: all read the one command tree.
#include <fmt/format.h>

#include "command_tree.hpp"
#include "commands.hpp"
#include "completion.hpp"
#include "manual.hpp"
#include "output.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

std::vector<std::string> subcommand_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* sub : visible_subcommands(app)) {
        names.push_back(sub->get_name());
    }
    return names;
}

// The command the words name ("store", "init"), or the error to report.
Expected<const CLI::App*> named_command(const CLI::App& root,
                                        const std::vector<std::string>& words) {
    const CLI::App* at = &root;
    for (const auto& word : words) {
        const CLI::App* sub = find_subcommand(*at, word);
        if (sub == nullptr) {
            return fail(
                ErrorCode::invalid_argument,
                fmt::format("no command '{}' in '{}' ({})", util::printable_text(word),
                            command_path(*at),
                            did_you_mean_or(word, subcommand_names(*at),
                                            fmt::format("see {} --help", command_path(*at)))));
        }
        at = sub;
    }
    return at;
}

// Names in the registry the global options (and `registry`, when the line names one) find;
// nothing when it does not load, since completion must stay quiet.
std::vector<std::string> registry_names(NameKind kind, std::string_view registry) {
    GlobalOptions global;
    global.registry = std::string(registry);
    global.store_timeout = "1";
    auto loaded = load_for_reading(global);
    std::vector<std::string> names;
    if (!loaded) {
        return names;
    }
    if (kind == NameKind::pools) {
        for (const auto& pool : loaded->registry.pools) {
            names.push_back(pool.name);
        }
    } else {
        for (const auto& allocation : loaded->registry.allocations) {
            names.push_back(allocation.name);
        }
    }
    return names;
}

}  // namespace

std::function<int()> setup_help(CLI::App& app, const GlobalOptions& /*global*/) {
    struct Options {
        std::vector<std::string> command;
        std::string man_dir;
        bool man = false;
    };
    auto o = std::make_shared<Options>();
    app.add_option("command", o->command, "the command to describe, e.g. allocate or store init");
    app.add_flag("--man", o->man, "print the command's man page (roff) instead");
    app.add_option("--man-dir", o->man_dir,
                   "write harmony-ports.1 and harmony-ports-COMMAND.1 for every command here");
    return [o, &app] {
        const CLI::App& root = *app.get_parent();
        if (!o->man_dir.empty()) {
            auto written = write_man_pages(root, o->man_dir);
            return written ? 0 : report(written.error());
        }
        auto command = named_command(root, o->command);
        if (!command) {
            return report(command.error());
        }
        // The formatter, not App::help(): that would describe `help` itself, the command parsed.
        const CLI::App& shown = **command;
        write_out(o->man ? man_page(shown)
                         : shown.get_formatter()->make_help(&shown, command_path(shown),
                                                            CLI::AppFormatMode::Normal));
        return 0;
    };
}

std::function<int()> setup_completion(CLI::App& app, const GlobalOptions& /*global*/) {
    auto shell = std::make_shared<std::string>();
    app.add_option("shell", *shell, "bash, zsh or fish")->required();
    app.footer(
        "Load it now with `source <(harmony-ports completion bash)`; the Debian package installs "
        "all three.");
    return [shell] {
        auto script = completion_script(*shell);
        if (!script) {
            print_err(
                "error",
                fmt::format("no completion for shell '{}' ({})", util::printable_text(*shell),
                            did_you_mean_or(*shell, completion_shells(), "bash, zsh or fish")));
            return 2;
        }
        write_out(*script);
        return 0;
    };
}

int run_complete(const CLI::App& root, std::vector<std::string> words) {
    write_out(completion_lines(complete_words(root, std::move(words), registry_names)));
    return 0;
}

}  // namespace harmony::cli
