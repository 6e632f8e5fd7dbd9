// Runs the real harmony-ports binary (or any program) and captures what a user would see.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace harmony::testing {

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

// Runs `argv` in `cwd` with the current environment plus `env` (an empty value unsets),
// feeding no stdin; waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::map<std::string, std::string>& env = {});

// A child started like run_process but not yet waited for (to signal it mid-run).
class StartedProcess {
  public:
    // `input`, when given, is its standard input through a pipe (as `producer | program`
    // gives it; at most the pipe's 64 KiB buffer), else /dev/null.
    StartedProcess(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                   const std::map<std::string, std::string>& env = {},
                   const std::optional<std::string>& input = std::nullopt);
    StartedProcess(StartedProcess&& other) noexcept;
    ~StartedProcess();
    StartedProcess(const StartedProcess&) = delete;
    StartedProcess& operator=(const StartedProcess&) = delete;
    StartedProcess& operator=(StartedProcess&&) = delete;
    [[nodiscard]] pid_t pid() const { return m_pid; }
    // Collects what it prints until it exits, and reaps it.
    ProcessResult finish();

  private:
    pid_t m_pid = -1;
    int m_out = -1;
    int m_err = -1;
};

// StartedProcess with HARMONY_PORTS_BIN as argv[0], the environment as for harmony_ports.
StartedProcess start_harmony_ports(const std::vector<std::string>& args,
                                   const std::filesystem::path& cwd,
                                   std::map<std::string, std::string> env = {});

// run_process with HARMONY_PORTS_BIN as argv[0] and NO_COLOR/registry variables cleared.
ProcessResult harmony_ports(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                            std::map<std::string, std::string> env = {});

// harmony_ports with `input` piped to its standard input.
ProcessResult harmony_ports_with_input(const std::vector<std::string>& args,
                                       const std::filesystem::path& cwd, const std::string& input);

// harmony_ports inside a new, empty network namespace (`unshare -n`) when running as root, so
// what listens on the test machine cannot change the result; plain harmony_ports otherwise.
ProcessResult harmony_ports_in_fresh_netns(const std::vector<std::string>& args,
                                           const std::filesystem::path& cwd);

// A fresh temporary folder, removed when the object goes away.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

  private:
    std::filesystem::path m_path;
};

std::string read_text(const std::filesystem::path& path);
void write_text(const std::filesystem::path& path, const std::string& text);

}  // namespace harmony::testing
