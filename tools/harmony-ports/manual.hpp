// Man pages written from the command tree, the source --help prints, so the two cannot drift:
// harmony-ports(1) for the program and harmony-ports-COMMAND(1) for each sub-command.
#pragma once

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include <harmony/network/error.hpp>

namespace harmony::cli {

// What `harmony-ports --help` ends with: the exit codes and where to read more.
std::string help_footer();

// The roff man page of `command`: harmony-ports(1) when it is the root, else
// harmony-ports-NAME(1) with its own sub-commands (store init, git setup) inside.
std::string man_page(const CLI::App& command);

// Writes harmony-ports.1 and harmony-ports-NAME.1 for every visible sub-command into `folder`
// (created when missing), each atomically. Returns how many pages were written.
network::Expected<int> write_man_pages(const CLI::App& root, const std::filesystem::path& folder);

}  // namespace harmony::cli
