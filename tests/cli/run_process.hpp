// Runs the real harmony-ports binary (or any program) and captures what a user would see.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

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

// run_process with HARMONY_PORTS_BIN as argv[0] and NO_COLOR/registry variables cleared.
ProcessResult harmony_ports(const std::vector<std::string>& args, const std::filesystem::path& cwd,
                            std::map<std::string, std::string> env = {});

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
