// Running another program and collecting what it prints, with bounded output.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <harmony/network/error.hpp>

namespace harmony::util {

struct ProgramResult {
    int exit_status = 0;  // the exit code; 128 + N when killed by signal N
    std::string out;      // stdout
    std::string err;      // stderr
};

// Runs `argv` (argv[0] looked up on PATH) in folder `cwd` with stdin from /dev/null, and waits.
// Output beyond `max_output` bytes per stream is an io_error (the program is killed), as is a
// program that cannot be started ("git is not installed" names argv[0]).
network::Expected<ProgramResult> run_program(const std::vector<std::string>& argv,
                                             const std::filesystem::path& cwd,
                                             std::size_t max_output);

}  // namespace harmony::util
