// Reading the CLI11 command tree, the one source of --help, `help`, the man pages, shell
// completion and "did you mean" for options: none of them keeps a list of its own to drift.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace harmony::cli {

// The sub-commands a user sees (hidden ones, with an empty group, left out), in table order.
std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);

// The sub-command of `app` called `name`, or nullptr.
const CLI::App* find_subcommand(const CLI::App& app, std::string_view name);

// The named options of `app` (not positionals), in the order they were added.
std::vector<const CLI::Option*> named_options(const CLI::App& app);

// The positional arguments of `app`, in order.
std::vector<const CLI::Option*> positionals(const CLI::App& app);

// True when the option takes a value (--format FORMAT), false for a flag (--json).
bool takes_value(const CLI::Option& option);

// Every name of the option as typed: "-q", "--quiet".
std::vector<std::string> typed_names(const CLI::Option& option);

// The option as a synopsis shows it: "-q, --quiet" or "--format FORMAT".
std::string option_usage(const CLI::Option& option);

// The words from the root to `app`: "harmony-ports store init".
std::string command_path(const CLI::App& app);

// Every option name `app` accepts where it stands, the root's global options included.
std::vector<std::string> accepted_option_names(const CLI::App& app);

}  // namespace harmony::cli

namespace harmony::cli {

// "did you mean X?" for the candidate closest to `typed`, else `otherwise` (the words a
// message puts in parentheses after an unknown name).
std::string did_you_mean_or(std::string_view typed, const std::vector<std::string>& candidates,
                            std::string otherwise);

// The option called `name` ("--json", "-q") that `app` accepts where it stands (its own or a
// parent's), or nullptr.
const CLI::Option* accepted_option(const CLI::App& app, std::string_view name);

// When `args` (the words after the program name) hold an option the command they reach does
// not take, the message for it: "unknown option '--jsno' for 'harmony-ports list' (did you
// mean --json?)". Empty when every option is known. Words after "--" are arguments.
std::string unknown_option_message(const CLI::App& root, const std::vector<std::string>& args);

}  // namespace harmony::cli
