// The sub-command table: each entry registers its options and runs.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace harmony::cli {

struct Command {
    std::string_view name;
    std::string_view summary;
    // Adds options to `app` and returns the function that runs the command (exit code).
    std::function<std::function<int()>(CLI::App& app, const GlobalOptions& global)> setup;
};

std::function<int()> setup_status(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_init(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_get(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_list(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_allocate(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_release(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_check(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_map(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_scan(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_export(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_store(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_watch(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_agent(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_merge_driver(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_git(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_diff(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_help(CLI::App& app, const GlobalOptions& global);
std::function<int()> setup_completion(CLI::App& app, const GlobalOptions& global);

// `__complete WORDS...`: the completion scripts' question, answered from the command tree.
int run_complete(const CLI::App& root, std::vector<std::string> words);

}  // namespace harmony::cli
