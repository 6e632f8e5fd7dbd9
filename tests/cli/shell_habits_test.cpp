// End-to-end: the habits users bring from git and kubectl (issue 13): `help`, man pages from
// the same tree as --help, shell completion in real shells, "did you mean" for options,
// --color, --no-headers and -q.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

// The words `__complete` offers (the part before each tab).
std::set<std::string> offered(const ProcessResult& r) {
    std::set<std::string> words;
    for (const auto& line : lines_of(r.out)) {
        words.insert(line.substr(0, line.find('\t')));
    }
    return words;
}

// Every long option a --help text lists.
std::set<std::string> long_options(const std::string& help) {
    std::set<std::string> options;
    const std::regex option(R"((^|[ ,])(--[a-z][a-z0-9-]*))");
    for (std::sregex_iterator it(help.begin(), help.end(), option), end; it != end; ++it) {
        options.insert((*it)[2]);
    }
    return options;
}

// A scratch folder with the ADR-014 registry and one allocation of our own.
class ShellHabits : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_EQ(harmony_ports({"init"}, dir.path()).exit_code, 0);
        ASSERT_EQ(harmony_ports({"allocate", "web-frontend"}, dir.path()).exit_code, 0);
    }
    ProcessResult run(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {}) {
        return harmony_ports(args, dir.path(), env);
    }
    // Runs `script` in bash with the binary's folder first on PATH.
    ProcessResult shell(const std::string& program, const std::vector<std::string>& flags,
                        const std::string& script) {
        std::vector<std::string> argv{program};
        argv.insert(argv.end(), flags.begin(), flags.end());
        argv.push_back(script);
        const std::string bin_dir = fs::path(HARMONY_PORTS_BIN).parent_path();
        return run_process(argv, dir.path(),
                           {{"PATH", bin_dir + ":/usr/bin:/bin"}, {"HARMONY_PORTS_REGISTRY", ""}});
    }
    TempDir dir;
};

TEST_F(ShellHabits, HelpIsTheProgramsHelpAndEndsWithTheExitCodes) {
    auto help = run({"help"});
    ASSERT_EQ(help.exit_code, 0) << help.err;
    EXPECT_EQ(help.out, run({"--help"}).out);
    for (const char* command : {"allocate", "release", "get", "completion", "help", "diff"}) {
        EXPECT_TRUE(contains(help.out, command)) << command;
    }
    EXPECT_TRUE(contains(help.out, "Exit codes:")) << help.out;
    EXPECT_TRUE(contains(help.out, "  2  bad usage or bad input")) << help.out;
}

TEST_F(ShellHabits, HelpCommandIsThatCommandsHelp) {
    EXPECT_EQ(run({"help", "allocate"}).out, run({"allocate", "--help"}).out);
    auto nested = run({"help", "store", "init"});
    ASSERT_EQ(nested.exit_code, 0) << nested.err;
    EXPECT_EQ(nested.out, run({"store", "init", "--help"}).out);
    EXPECT_TRUE(contains(nested.out, "--replicas")) << nested.out;
}

TEST_F(ShellHabits, HelpForAnUnknownCommandSuggestsTheClosest) {
    auto r = run({"help", "alocate"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_TRUE(contains(r.err, "no command 'alocate' in 'harmony-ports' (did you mean allocate?)"))
        << r.err;
}

TEST_F(ShellHabits, ManPagesHoldEveryOptionTheHelpShows) {
    const fs::path man = dir.path() / "man1";
    auto r = run({"help", "--man-dir", man.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    const std::string main_page = read_text(man / "harmony-ports.1");
    EXPECT_TRUE(contains(main_page, ".SH EXIT STATUS")) << main_page;
    EXPECT_TRUE(contains(main_page, "HARMONY_PORTS_REGISTRY")) << main_page;
    for (const char* command : {"allocate", "release", "check", "export", "store", "get"}) {
        const fs::path page = man / (std::string("harmony-ports-") + command + ".1");
        ASSERT_TRUE(fs::exists(page)) << page;
        const std::string roff = read_text(page);
        std::string unescaped = std::regex_replace(roff, std::regex(R"(\\-)"), "-");
        for (const auto& option : long_options(run({command, "--help"}).out)) {
            EXPECT_TRUE(contains(unescaped, option)) << command << " page lacks " << option;
        }
    }
    // man itself reads every page without a warning (what lintian checks in the package).
    if (fs::exists("/usr/bin/man")) {
        for (const auto& entry : fs::directory_iterator(man)) {
            auto shown = run_process({"/usr/bin/man", "--warnings", "-l", entry.path().string()},
                                     dir.path(), {{"MANWIDTH", "80"}});
            EXPECT_EQ(shown.exit_code, 0) << entry.path();
            EXPECT_TRUE(shown.err.empty()) << entry.path() << ": " << shown.err;
        }
    }
}

TEST_F(ShellHabits, ManFlagPrintsOneCommandsPage) {
    auto r = run({"help", "--man", "release"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, ".TH \"HARMONY-PORTS-RELEASE\" \"1\"")) << r.out;
    EXPECT_TRUE(contains(r.out, "harmony\\-ports\\-release \\- ")) << r.out;
}

TEST_F(ShellHabits, CompletionOffersCommandsOptionsAndValues) {
    EXPECT_EQ(offered(run({"__complete", "al"})), (std::set<std::string>{"allocate"}));
    EXPECT_TRUE(offered(run({"__complete", "allocate", "--pro"})).contains("--protocol"));
    EXPECT_EQ(offered(run({"__complete", "allocate", "--protocol", ""})),
              (std::set<std::string>{"tcp", "udp", "tcp+udp"}));
    // Global options are offered after a sub-command too, since they work there.
    EXPECT_TRUE(offered(run({"__complete", "list", "--no"})).contains("--no-headers"));
    auto formats = offered(run({"__complete", "export", "--format", ""}));
    for (const char* f : {"nftables", "iptables", "firewalld", "opnsense", "sysctl", "json"}) {
        EXPECT_TRUE(formats.contains(f)) << f;
    }
    EXPECT_EQ(offered(run({"__complete", "export", "--format=nf"})),
              (std::set<std::string>{"--format=nftables"}));
    EXPECT_EQ(offered(run({"__complete", "export", "--scope", ""})),
              (std::set<std::string>{"range", "allocations"}));
    EXPECT_EQ(offered(run({"__complete", "init", "--format", ""})),
              (std::set<std::string>{"toml", "yaml"}));
    EXPECT_EQ(offered(run({"__complete", "completion", ""})),
              (std::set<std::string>{"bash", "zsh", "fish"}));
    EXPECT_TRUE(offered(run({"__complete", "help", "store", ""})).contains("init"));
    EXPECT_EQ(run({"__complete", "check", "--kube", ""}).out, ":files\n");
    EXPECT_EQ(offered(run({"__complete", "check", "--format", ""})),
              (std::set<std::string>{"text", "json", "prometheus"}));
    EXPECT_EQ(run({"__complete", "map", "--html", ""}).out, ":files\n");
    EXPECT_EQ(offered(run({"__complete", "map", "--pool", "m"})),
              (std::set<std::string>{"metrics"}));
}

TEST_F(ShellHabits, CompletionOffersTheRegistrysNames) {
    EXPECT_EQ(offered(run({"__complete", "allocate", "--pool", "m"})),
              (std::set<std::string>{"metrics"}));
    EXPECT_EQ(offered(run({"__complete", "release", "web"})),
              (std::set<std::string>{"web-frontend"}));
    EXPECT_TRUE(offered(run({"__complete", "get", ""})).contains("ceph-rgw"));
    // --registry on the line is the registry the names come from.
    TempDir other;
    ASSERT_EQ(harmony_ports({"init", "--empty"}, other.path()).exit_code, 0);
    ASSERT_EQ(harmony_ports({"allocate", "only-here"}, other.path()).exit_code, 0);
    const std::string file = (other.path() / "harmony.network.ports.toml").string();
    EXPECT_EQ(offered(run({"__complete", "--registry", file, "release", ""})),
              (std::set<std::string>{"only-here"}));
    // A registry that does not load offers no names and prints no error.
    write_text(dir.path() / "harmony.network.ports.toml", "not = [valid\n");
    auto broken = run({"__complete", "release", ""});
    EXPECT_EQ(broken.exit_code, 0);
    EXPECT_TRUE(broken.out.empty() && broken.err.empty()) << broken.out << broken.err;
}

TEST_F(ShellHabits, BashCompletesThroughTheScript) {
    // What bash does on TAB: the words in COMP_WORDS, the function the script registered.
    const std::string script = R"(
        source <(harmony-ports completion bash) || exit 9
        complete -p harmony-ports || exit 8
        ask() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
                _harmony_ports; echo "$*: ${COMPREPLY[*]}"; }
        ask harmony-ports al
        ask harmony-ports release web
        ask harmony-ports export --format = nf
        ask harmony-ports allocate x --protocol ''
        touch topology.toml
        ask harmony-ports check --topology topo
    )";
    auto r = shell("/bin/bash", {"--norc", "-c"}, script);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "complete -F _harmony_ports harmony-ports")) << r.out;
    EXPECT_TRUE(contains(r.out, "harmony-ports al: allocate\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "harmony-ports release web: web-frontend\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "harmony-ports export --format = nf: nftables\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "--protocol : tcp udp tcp+udp\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "--topology topo: topology.toml\n")) << r.out;
}

TEST_F(ShellHabits, FishCompletesThroughTheScript) {
    if (!fs::exists("/usr/bin/fish")) {
        GTEST_SKIP() << "fish is not installed";
    }
    auto r = shell("/usr/bin/fish", {"--no-config", "-c"},
                   "harmony-ports completion fish | source; "
                   "complete -C 'harmony-ports al'; complete -C 'harmony-ports release web'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "allocate\tgive a service its port")) << r.out;
    EXPECT_TRUE(contains(r.out, "web-frontend")) << r.out;
}

TEST_F(ShellHabits, ZshLoadsTheScript) {
    if (!fs::exists("/usr/bin/zsh")) {
        GTEST_SKIP() << "zsh is not installed";
    }
    auto r = shell("/usr/bin/zsh", {"-f", "-c"},
                   "autoload -Uz compinit && compinit -u -D && "
                   "source <(harmony-ports completion zsh) && print ${_comps[harmony-ports]}");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "_harmony_ports\n");
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(ShellHabits, CompletionForAnUnknownShellSuggestsOne) {
    auto r = run({"completion", "bsh"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "no completion for shell 'bsh' (did you mean bash?)")) << r.err;
}

TEST_F(ShellHabits, MistypedOptionsSuggestTheClosest) {
    auto r = run({"list", "--jsno"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err,
                         "unknown option '--jsno' for 'harmony-ports list' (did you mean "
                         "--json?)"))
        << r.err;
    auto global = run({"allocate", "x", "--registy", "f"});
    EXPECT_EQ(global.exit_code, 2);
    EXPECT_TRUE(contains(global.err, "(did you mean --registry?)")) << global.err;
    // Nothing was allocated by the failed command.
    EXPECT_FALSE(contains(read_text(dir.path() / "harmony.network.ports.toml"), "\"x\""));
}

TEST_F(ShellHabits, QuietPrintsOnlyErrors) {
    auto allocated = run({"-q", "allocate", "quiet-one"});
    EXPECT_EQ(allocated.exit_code, 0) << allocated.err;
    EXPECT_TRUE(allocated.out.empty() && allocated.err.empty());
    EXPECT_TRUE(contains(run({"list"}).out, "quiet-one"));
    auto checked = run({"check", "--quiet"});
    EXPECT_EQ(checked.exit_code, 0);
    EXPECT_TRUE(checked.out.empty()) << checked.out;
    auto failed = run({"release", "no-such-service", "-q"});
    EXPECT_EQ(failed.exit_code, 1);
    EXPECT_TRUE(failed.out.empty());
    EXPECT_TRUE(contains(failed.err, "harmony-ports: error: ")) << failed.err;
}

TEST_F(ShellHabits, NoHeadersLeavesOnlyTheAllocationRows) {
    auto plain = run({"list", "--no-headers"});
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    auto doc = nlohmann::json::parse(run({"list", "--json"}).out);
    const auto& allocations = doc["allocations"];
    const auto rows = lines_of(plain.out);
    ASSERT_EQ(rows.size(), allocations.size()) << plain.out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_TRUE(rows[i].starts_with(allocations[i]["name"].get<std::string>() + " "))
            << rows[i];
    }
    EXPECT_FALSE(contains(plain.out, "NAME")) << plain.out;
}

TEST_F(ShellHabits, ColourFollowsTheTerminalTermNoColorAndTheOption) {
    const std::string esc = "\033[";
    // A pipe: no colour, unless asked for; --color=always wins over NO_COLOR, as it is explicit.
    EXPECT_FALSE(contains(run({"check"}).out, esc));
    EXPECT_TRUE(contains(run({"--color=always", "check"}).out, esc));
    EXPECT_TRUE(contains(run({"check", "--color", "always"}, {{"NO_COLOR", "1"}}).out, esc));
    // A terminal (script(1) gives the command a pty): colour, but not for TERM=dumb, NO_COLOR
    // or --color=never.
    const std::string command = std::string(HARMONY_PORTS_BIN) + " check";
    auto on_tty = [&](const std::map<std::string, std::string>& env, const std::string& extra) {
        return run_process({"/usr/bin/script", "-qec", command + extra, "/dev/null"}, dir.path(),
                           env)
            .out;
    };
    EXPECT_TRUE(contains(on_tty({{"TERM", "xterm"}, {"NO_COLOR", ""}}, ""), esc));
    EXPECT_FALSE(contains(on_tty({{"TERM", "dumb"}, {"NO_COLOR", ""}}, ""), esc));
    EXPECT_FALSE(contains(on_tty({{"TERM", "xterm"}, {"NO_COLOR", "1"}}, ""), esc));
    EXPECT_FALSE(contains(on_tty({{"TERM", "xterm"}, {"NO_COLOR", ""}}, " --color=never"), esc));
    auto bad = run({"--color=sometimes", "check"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "--color")) << bad.err;
}

}  // namespace
