// A real git repository in a temporary folder, with the real harmony-ports run inside it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cli/run_process.hpp"

namespace harmony::testing {

class GitRepo {
  public:
    // `git init` on branch main, a local identity, no global or system configuration.
    GitRepo();

    [[nodiscard]] const std::filesystem::path& path() const { return m_dir.path(); }
    // The environment every git and harmony-ports run here gets.
    [[nodiscard]] static std::map<std::string, std::string> environment();

    // git ARGS in the repository.
    ProcessResult git(const std::vector<std::string>& args) const;
    // git ARGS, failing the test unless it exits 0.
    std::string git_ok(const std::vector<std::string>& args) const;
    // harmony-ports ARGS in the repository.
    ProcessResult hp(const std::vector<std::string>& args) const;
    // harmony-ports ARGS, failing the test unless it exits 0; returns stdout.
    std::string hp_ok(const std::vector<std::string>& args) const;

    // `git add -A && git commit -m MESSAGE`.
    void commit(const std::string& message) const;
    // The registry file's text (`file` relative to the repository).
    [[nodiscard]] std::string text(const std::string& file = "harmony.network.ports.toml") const;
    // Replaces the first `from` in `file` with `to` (a hand edit); fails the test when absent.
    void edit(const std::string& from, const std::string& to,
              const std::string& file = "harmony.network.ports.toml") const;

  private:
    TempDir m_dir;
};

// The harmony-ports commands a message suggests after `lead` ("place it again: "), each
// without its leading "harmony-ports" and split on blanks (the tests' values hold none).
std::vector<std::vector<std::string>> suggested_commands(const std::string& err,
                                                         const std::string& lead);

}  // namespace harmony::testing
