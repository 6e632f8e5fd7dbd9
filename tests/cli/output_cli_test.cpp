// End-to-end: output that cannot be written is never a success (issue 9 item 7), numbers are
// decimal everywhere (item 8), and free text never reaches a terminal raw (item 9).
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// True when `text` holds a byte a terminal would act on: C0 controls but '\n', DEL, C1 controls
// (U+0080-U+009F) and the bidi overrides/isolates.
bool has_raw_control(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            return true;
        }
        if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
            return true;
        }
    }
    for (const char* bidi : {"\xe2\x80\xae", "\xe2\x80\xad", "\xe2\x81\xa6", "\xe2\x81\xa9"}) {
        if (contains(text, bidi)) {
            return true;
        }
    }
    return false;
}

// Runs harmony-ports with standard output on `out_fd` (closed in the caller afterwards) and
// standard error in a file; for outputs run_process cannot give (/dev/full, a closed pipe).
ProcessResult run_with_stdout(int out_fd, const std::vector<std::string>& args,
                              const fs::path& cwd) {
    const fs::path err_file = cwd / ".stderr";
    pid_t pid = ::fork();
    if (pid == 0) {
        int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out_fd, 1);
        ::dup2(err, 2);
        ::unsetenv("HARMONY_PORTS_REGISTRY");
        if (::chdir(cwd.c_str()) != 0) {
            ::_exit(126);
        }
        std::vector<char*> argv{const_cast<char*>(HARMONY_PORTS_BIN)};
        for (const auto& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ProcessResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    r.err = read_text(err_file);
    fs::remove(err_file);
    return r;
}

class Output : public ::testing::Test {
  protected:
    ProcessResult run(const std::vector<std::string>& args) {
        return harmony_ports(args, m_dir.path());
    }
    void init(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"init"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    ProcessResult to_dev_full(const std::vector<std::string>& args) {
        int fd = ::open("/dev/full", O_WRONLY);
        auto r = run_with_stdout(fd, args, m_dir.path());
        ::close(fd);
        return r;
    }
    // Standard output is a pipe whose reader is already gone: every write is EPIPE.
    ProcessResult to_closed_pipe(const std::vector<std::string>& args) {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        ::close(fds[0]);
        auto r = run_with_stdout(fds[1], args, m_dir.path());
        ::close(fds[1]);
        return r;
    }
    fs::path registry() const { return m_dir.path() / "harmony.network.ports.toml"; }
    TempDir m_dir;
};

}  // namespace

// --- item 7: no false success ------------------------------------------------------------

TEST_F(Output, ListToAFullDeviceIsExit3WithAMessage) {
    init();
    auto r = to_dev_full({"list"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err,
              "harmony-ports: error: cannot write to standard output: No space left on device\n");
}

TEST_F(Output, AllocateToAFullDeviceSaysThePortIsAllocatedAndHowToShowIt) {
    init();
    auto r = to_dev_full({"allocate", "ntfy"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err,
              "harmony-ports: error: cannot write to standard output: No space left on device; "
              "ntfy is allocated: run `harmony-ports allocate ntfy` again or `harmony-ports "
              "list` to show it\n");
    // It is durable, and asking again shows the same port.
    EXPECT_TRUE(contains(read_text(registry()), "name = \"ntfy\""));
    auto again = run({"allocate", "ntfy"});
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_TRUE(contains(read_text(registry()), "port = " + again.out.substr(0, 5)));
}

TEST_F(Output, AReleaseToAFullDeviceSaysItWasDone) {
    init();
    ASSERT_EQ(run({"allocate", "web", "--port", "25010"}).exit_code, 0);
    auto r = to_dev_full({"release", "web"});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err,
              "harmony-ports: error: released web (25010/tcp) but could not print it: No space "
              "left on device\n");
    EXPECT_TRUE(contains(read_text(registry()), "[[released]]\nname = \"web\""));
    EXPECT_EQ(run({"get", "web"}).exit_code, 0) << "in quarantine, so still known";
}

TEST_F(Output, ExportToAClosedPipeIsExit3NotADeathBySignal) {
    init();
    auto r = to_closed_pipe({"export", "--format", "nftables"});
    EXPECT_EQ(r.signal, 0);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.err, "harmony-ports: error: cannot write to standard output: Broken pipe\n");
    EXPECT_EQ(to_closed_pipe({"list", "--json"}).exit_code, 3);
    EXPECT_EQ(to_closed_pipe({"allocate", "ntfy", "--json"}).exit_code, 3);
}

TEST_F(Output, EveryCommandThatPrintsFailsOnAFullDevice) {
    init();
    ASSERT_EQ(run({"allocate", "ntfy"}).exit_code, 0);
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"--help"},
                                               {"--version"},
                                               {"check"},
                                               {"check", "--json"},
                                               {"export", "--format", "json"},
                                               {"export", "--format", "cpp"},
                                               {"release", "ntfy"}}) {
        auto r = to_dev_full(args);
        EXPECT_EQ(r.exit_code, 3) << args[0];
        // A release that took effect says so instead (AReleaseToAFullDeviceSaysItWasDone).
        EXPECT_TRUE(contains(r.err, "cannot write to standard output") ||
                    (args[0] == "release" && contains(r.err, "but could not print it")))
            << r.err;
    }
}

TEST_F(Output, AFailingStandardErrorIsExit3Too) {
    init();
    // An error that cannot be shown still fails, but as the environment's failure.
    auto r = run_process({"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>/dev/full", HARMONY_PORTS_BIN,
                          "allocate", "Bad_Name"},
                         m_dir.path(), {{"HARMONY_PORTS_REGISTRY", ""}});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(r.out.empty());
}

TEST_F(Output, ExportOutputOnAFullFilesystemLeavesNoFile) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root to mount a tmpfs";
    }
    init();
    fs::create_directory(m_dir.path() / "full");
    // In a private mount namespace, so the tmpfs goes away with the process.
    const std::string script =
        "mount -t tmpfs -o size=16k tmpfs full || exit 99; "
        "head -c 1048576 /dev/zero > full/filler 2>/dev/null; "
        "\"$0\" export --format markdown --output full/ports.md; echo \"rc=$?\"; ls -A full";
    auto r = run_process({"/usr/bin/unshare", "-m", "/bin/sh", "-c", script, HARMONY_PORTS_BIN},
                         m_dir.path(), {{"HARMONY_PORTS_REGISTRY", ""}});
    if (r.exit_code == 99) {
        GTEST_SKIP() << "cannot mount a tmpfs here: " << r.err;
    }
    EXPECT_EQ(r.out, "rc=3\nfiller\n") << r.err;
    EXPECT_TRUE(contains(r.err, "No space left on device")) << r.err;
}

// --- item 8: numbers are decimal -----------------------------------------------------------

TEST_F(Output, LeadingZerosAreDecimal) {
    init({"--empty", "--range", "025000-025999"});
    EXPECT_TRUE(contains(read_text(registry()), "25000-25999"));
    auto block = run({"allocate", "prom", "--count", "010"});
    ASSERT_EQ(block.exit_code, 0) << block.err;
    const int first = std::stoi(block.out.substr(0, 5));
    EXPECT_EQ(block.out, std::to_string(first) + "-" + std::to_string(first + 9) + "\n");
    EXPECT_EQ(run({"allocate", "web", "--port", "025500"}).out, "25500\n");
}

TEST_F(Output, ReleaseQuarantineDaysAreDecimal) {
    init({"--empty"});
    ASSERT_EQ(run({"allocate", "web"}).exit_code, 0);
    auto r = run({"release", "web", "--quarantine-days", "010", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::tm until{};
    std::istringstream(nlohmann::json::parse(r.out)["until"].get<std::string>()) >>
        std::get_time(&until, "%Y-%m-%dT%H:%M:%SZ");
    const auto days = (::timegm(&until) - std::time(nullptr)) / 86400.0;
    EXPECT_NEAR(days, 10.0, 0.01);
}

TEST_F(Output, HexOctalAndSignedNumbersAreRefusedWithTheirName) {
    init();
    const std::string before = read_text(registry());
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"allocate", "x", "--count", "0x10"},
         "invalid count '0x10': expected a decimal number 1-65535"},
        {{"allocate", "x", "--count", "0"}, "invalid count '0': expected a decimal number 1-65535"},
        {{"allocate", "x", "--count", "0b11"},
         "invalid count '0b11': expected a decimal number 1-65535"},
        {{"allocate", "x", "--port", "0x61a8"},
         "invalid port '0x61a8': expected a decimal number 0-65535"},
        {{"allocate", "x", "--port", "+25100"},
         "invalid port '+25100': expected a decimal number 0-65535"},
        {{"allocate", "x", "--port", "65536"},
         "invalid port '65536': expected a decimal number 0-65535"},
        {{"release", "ceph-rgw", "--quarantine-days", "0x1"},
         "invalid quarantine days '0x1': expected a decimal number 0-3650"},
        {{"release", "ceph-rgw", "--quarantine-days", "3651"},
         "invalid quarantine days '3651': expected a decimal number 0-3650"},
        {{"init", "--force", "--range", "0x61a8-25999"},
         "invalid port range '0x61a8-25999': '0x61a8' is not a port number"},
    };
    for (const auto& [args, message] : cases) {
        auto r = run(args);
        EXPECT_EQ(r.exit_code, 2) << args[2];
        EXPECT_EQ(r.err, "harmony-ports: error: " + message + "\n");
        EXPECT_TRUE(r.out.empty());
    }
    EXPECT_EQ(read_text(registry()), before);
}

// --- item 9: free text never reaches a terminal raw ----------------------------------------

class HostileText : public Output {
  protected:
    // A registry whose free text holds what a terminal would act on: an SGR colour, a carriage
    // return, a bidi override, and a 3-byte character where the owner column is cut (16).
    void write_hostile_registry() {
        init({"--empty"});
        write_text(registry(),
                   "schema_version = 1\n\n"
                   "[[allocation]]\nname = \"web\"\nport = 25100\n"
                   "owner = \"\\u001b[31mred team!\"\nnotes = \"ok\\rFAKE \\u202eevil\"\n\n"
                   "[[allocation]]\nname = \"api\"\nport = 25101\n"
                   "owner = \"abcdefghijkl\\u20ac\\u20ac\\u20ac\\u20ac\\u20ac\"\n"
                   "notes = \"Zo\\u00eb \\u0085 \\u2066x\\u2069\"\n");
    }
};

TEST_F(HostileText, ListEscapesControlsAndCutsAtCharacters) {
    write_hostile_registry();
    auto r = run({"list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(has_raw_control(r.out)) << r.out;
    EXPECT_TRUE(contains(r.out, "\\x1b[31mred t...")) << r.out;
    EXPECT_TRUE(contains(r.out, "ok\\x0dFAKE \\u{202e}evil")) << r.out;
    EXPECT_TRUE(contains(r.out, "abcdefghijkl\xe2\x82\xac...")) << r.out;  // whole € kept
    EXPECT_TRUE(contains(r.out, "Zo\xc3\xab \\u{0085} \\u{2066}x\\u{2069}")) << r.out;
    // JSON keeps the data as it is, JSON-escaped: no raw control byte either.
    auto json = run({"list", "--json"});
    EXPECT_EQ(json.out.find_first_of("\x1b\r"), std::string::npos) << json.out;
    EXPECT_EQ(nlohmann::json::parse(json.out)["allocations"][0]["owner"], "\x1b[31mred team!");
}

TEST_F(HostileText, DefaultViewAndCheckShowNoRawControl) {
    write_hostile_registry();
    auto status = harmony_ports_in_fresh_netns({}, m_dir.path());
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_FALSE(has_raw_control(status.out + status.err)) << status.out;
    EXPECT_TRUE(contains(status.out, "\\x1b[31mred t..."));
    auto check = run({"check"});
    EXPECT_FALSE(has_raw_control(check.out + check.err)) << check.out;
}

TEST_F(HostileText, NamesFromABrokenRegistryAreEscapedInTablesAndMessages) {
    init({"--empty"});
    write_text(registry(),
               "[[allocation]]\nname = \"\\u001b]0;owned\\u0007\"\nport = 25100\n"
               "[[allocation]]\nname = \"x\\u202e\"\nport = 25100\n");
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"list"}, {"check"}, {"allocate", "web"}, {}}) {
        auto r = run(args);
        EXPECT_FALSE(has_raw_control(r.out + r.err)) << r.out << r.err;
    }
    auto json = run({"check", "--json"});
    EXPECT_EQ(json.out.find_first_of("\x1b\x07"), std::string::npos) << json.out;
}

TEST_F(HostileText, APathWithControlsReachesStandardErrorEscaped) {
    const fs::path folder = m_dir.path() / "\x1b[2Jrepo";
    fs::create_directory(folder);
    write_text(folder / "harmony.network.ports.toml", "schema_version = \"x\"\n");
    auto r = harmony_ports({"list"}, folder);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_FALSE(has_raw_control(r.err)) << r.err;
    EXPECT_TRUE(contains(r.err, "\\x1b[2Jrepo/harmony.network.ports.toml:1:")) << r.err;
    // An unknown command echoed back is escaped as well.
    auto unknown = run({"l\x1b[2Jist"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_FALSE(has_raw_control(unknown.err)) << unknown.err;
}
