#include "cli/git_support.hpp"

#include <gtest/gtest.h>

namespace harmony::testing {

GitRepo::GitRepo() {
    git_ok({"init", "-q", "-b", "main"});
    git_ok({"config", "user.name", "Test"});
    git_ok({"config", "user.email", "test@example.invalid"});
    git_ok({"config", "commit.gpgsign", "false"});
}

std::map<std::string, std::string> GitRepo::environment() {
    return {{"GIT_CONFIG_GLOBAL", "/dev/null"},
            {"GIT_CONFIG_NOSYSTEM", "1"},
            {"GIT_TERMINAL_PROMPT", "0"},
            {"NO_COLOR", "1"}};
}

ProcessResult GitRepo::git(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{"/usr/bin/git"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, path(), environment());
}

std::string GitRepo::git_ok(const std::vector<std::string>& args) const {
    auto r = git(args);
    EXPECT_EQ(r.exit_code, 0) << "git " << (args.empty() ? "" : args[0]) << ": " << r.err << r.out;
    return r.out;
}

ProcessResult GitRepo::hp(const std::vector<std::string>& args) const {
    return harmony_ports(args, path(), environment());
}

std::string GitRepo::hp_ok(const std::vector<std::string>& args) const {
    auto r = hp(args);
    EXPECT_EQ(r.exit_code, 0) << "harmony-ports " << (args.empty() ? "" : args[0]) << ": " << r.err;
    return r.out;
}

void GitRepo::commit(const std::string& message) const {
    git_ok({"add", "-A"});
    git_ok({"commit", "-q", "-m", message});
}

std::string GitRepo::text(const std::string& file) const {
    return read_text(path() / file);
}

void GitRepo::edit(const std::string& from, const std::string& to, const std::string& file) const {
    std::string t = text(file);
    auto at = t.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in " << file;
    t.replace(at, from.size(), to);
    write_text(path() / file, t);
}

std::vector<std::vector<std::string>> suggested_commands(const std::string& err,
                                                         const std::string& lead) {
    const std::string prefix = lead + "harmony-ports ";
    std::vector<std::vector<std::string>> out;
    for (auto at = err.find(prefix); at != std::string::npos; at = err.find(prefix, at + 1)) {
        std::size_t from = at + prefix.size();
        std::string line = err.substr(from, err.find('\n', from) - from);
        std::vector<std::string> words;
        for (std::size_t i = 0; i < line.size();) {
            std::size_t end = std::min(line.find(' ', i), line.size());
            words.push_back(line.substr(i, end - i));
            i = end + 1;
        }
        out.push_back(std::move(words));
    }
    return out;
}

}  // namespace harmony::testing
