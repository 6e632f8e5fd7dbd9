// `git setup`: make this repository merge registries with the merge driver.
#include <fmt/format.h>

#include <sys/stat.h>

#include <harmony/network/registry_merge.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "util/printable.hpp"
#include "util/shell_word.hpp"

namespace harmony::cli {

namespace {

namespace fs = std::filesystem;

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec);
}

// How git should call this program: "harmony-ports" when that name on PATH is this very
// binary (an installed tool), else this binary's absolute path (a build tree, a test).
std::string driver_command() {
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const char* path = std::getenv("PATH");
    std::string_view dirs = path != nullptr ? path : "";
    while (!ec && !dirs.empty()) {
        std::size_t colon = dirs.find(':');
        fs::path candidate = fs::path(dirs.substr(0, colon)) / "harmony-ports";
        if (same_file(candidate, self)) {
            return "harmony-ports";
        }
        dirs = colon == std::string_view::npos ? "" : dirs.substr(colon + 1);
    }
    return util::shell_word(self.string());
}

void print_setup(const GitSetupReport& report, const std::string& command) {
    std::string attributes = util::printable_text(report.attributes.string(), 200);
    if (report.lines_added.empty() && !report.config_changed) {
        print_out("already set up: {} names the merge driver and git config has it\n", attributes);
        return;
    }
    for (const auto& line : report.lines_added) {
        print_out("{}: added {}\n", attributes, line);
    }
    print_out("git config merge.harmony-ports.driver = {} merge-driver %O %A %B %P\n",
              util::printable_text(command, 200));
    print_out(
        "commit .gitattributes so every clone merges the registry as data; each clone "
        "runs `harmony-ports git setup` once\n");
}

std::function<int()> setup_git_setup(CLI::App& app, const GlobalOptions& global) {
    auto command = std::make_shared<std::string>();
    app.add_option("--command", *command,
                   "how git runs harmony-ports (default: harmony-ports if PATH finds this "
                   "binary, else its absolute path)");
    return [command, &global] {
        fs::path folder = global.registry.empty() ? fs::current_path()
                                                  : fs::absolute(global.registry).parent_path();
        std::string cmd = command->empty() ? driver_command() : *command;
        auto report = setup_git_merge_driver(folder, cmd);
        if (!report) {
            return cli::report(report.error());
        }
        print_setup(*report, cmd);
        return 0;
    };
}

}  // namespace

std::function<int()> setup_git(CLI::App& app, const GlobalOptions& global) {
    app.require_subcommand(1, 1);
    CLI::App* sub = app.add_subcommand(
        "setup", "write .gitattributes and git config so git merges registries as data");
    auto run = setup_git_setup(*sub, global);
    return [sub, run] { return sub->parsed() ? run() : 2; };
}

}  // namespace harmony::cli
