// End-to-end safety (issue 22): an output file is never one of the command's inputs, a
// suggested command runs only what it says, and the smaller promises: a read-only file system
// named as such, timeouts that can be met, decimal numbers without '+' and one pool lookup
// (a release that could not be printed: output_cli_test.cpp).
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "cli/git_support.hpp"
#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_registry = "harmony.network.ports.toml";

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class Safety : public ::testing::Test {
  protected:
    void SetUp() override {
        auto r = run({"init"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        m_bytes = read_text(registry());
    }
    ProcessResult run(const std::vector<std::string>& args) {
        return harmony_ports(args, m_dir.path());
    }
    // Runs `args`, expecting exit 2 with `message` as the one error line and every input's
    // bytes as they were.
    void expect_refused(const std::vector<std::string>& args, const std::string& message) {
        const std::string config = read_text(dir() / "harmony.toml");
        auto r = run(args);
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_EQ(r.err, "harmony-ports: error: " + message + "\n");
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(read_text(registry()), m_bytes) << "the registry was replaced";
        EXPECT_EQ(read_text(dir() / "harmony.toml"), config) << "harmony.toml was replaced";
    }
    fs::path registry() const { return dir() / k_registry; }
    const fs::path& dir() const { return m_dir.path(); }
    TempDir m_dir;
    std::string m_bytes;
};

const std::string k_is_registry = " is the registry file this command reads; nothing written";

}  // namespace

// --- A: an output file can be the registry ----------------------------------------------

TEST_F(Safety, ExportInEveryFormatRefusesToWriteOverTheRegistry) {
    for (const char* format : {"nftables", "iptables", "ip6tables", "firewalld", "opnsense",
                               "opnsense-api", "sysctl", "cpp", "rust", "markdown", "json"}) {
        SCOPED_TRACE(format);
        expect_refused({"export", "--format", format, "--output", k_registry},
                       std::string("output ") + k_registry + k_is_registry);
    }
}

TEST_F(Safety, AnOutputReachingTheRegistryThroughALinkOrAPathIsRefused) {
    fs::create_directories(dir() / "out");
    fs::create_symlink(registry(), dir() / "out" / "link.nft");
    fs::create_hard_link(registry(), dir() / "out" / "hard.nft");
    fs::create_symlink("out/link.nft", dir() / "chain.nft");  // a chain of links
    const std::vector<std::string> outputs{"out/link.nft",
                                           "out/hard.nft",
                                           "chain.nft",
                                           "out/../harmony.network.ports.toml",
                                           "./" + std::string(k_registry),
                                           registry().string()};
    for (const std::string& output : outputs) {
        SCOPED_TRACE(output);
        expect_refused({"export", "--format", "nftables", "--output", output},
                       "output " + output + k_is_registry);
    }
    // The hard link is still a second name of the same bytes, untouched.
    EXPECT_EQ(read_text(dir() / "out" / "hard.nft"), m_bytes);
    EXPECT_TRUE(fs::is_symlink(dir() / "out" / "link.nft"));
}

TEST_F(Safety, MapHtmlRefusesTheRegistryAndItsLinks) {
    fs::create_symlink(k_registry, dir() / "map.html");
    fs::create_hard_link(registry(), dir() / "hard.html");
    expect_refused({"map", "--html", k_registry},
                   std::string("output ") + k_registry + k_is_registry);
    expect_refused({"map", "--html", "map.html"}, "output map.html" + k_is_registry);
    expect_refused({"map", "--html", "hard.html"}, "output hard.html" + k_is_registry);
}

TEST_F(Safety, CheckRefusesToWriteItsReportOverHarmonyTomlTheTopologyOrTheKubectlInput) {
    expect_refused({"check", "--format", "prometheus", "--output", "harmony.toml"},
                   "output harmony.toml is the registry's harmony.toml this command reads; "
                   "nothing written");
    expect_refused({"check", "--format", "json", "--output", k_registry},
                   std::string("output ") + k_registry + k_is_registry);
    fs::copy_file(fs::path(HARMONY_PORTS_TEST_DATA) / "topology" / "good.toml",
                  dir() / "fleet.toml");
    const std::string topology = read_text(dir() / "fleet.toml");
    fs::create_symlink("fleet.toml", dir() / "report.txt");
    expect_refused({"check", "--topology", "fleet.toml", "--output", "report.txt"},
                   "output report.txt is the topology file this command reads; nothing written");
    EXPECT_EQ(read_text(dir() / "fleet.toml"), topology);
    fs::copy_file(fs::path(HARMONY_PORTS_TEST_DATA) / "kube" / "pods-services.json",
                  dir() / "kube.json");
    const std::string kube = read_text(dir() / "kube.json");
    expect_refused({"check", "--kube", "kube.json", "--format", "json", "--output", "kube.json"},
                   "output kube.json is the kubectl input this command reads; nothing written");
    EXPECT_EQ(read_text(dir() / "kube.json"), kube);
}

TEST_F(Safety, ExportRefusesToWriteOverItsTopologyFile) {
    fs::copy_file(fs::path(HARMONY_PORTS_TEST_DATA) / "topology" / "good.toml",
                  dir() / "fleet.toml");
    const std::string topology = read_text(dir() / "fleet.toml");
    expect_refused(
        {"export", "--format", "cpp", "--topology", "fleet.toml", "--output", "fleet.toml"},
        "output fleet.toml is the topology file this command reads; nothing written");
    EXPECT_EQ(read_text(dir() / "fleet.toml"), topology);
}

TEST_F(Safety, AnOutputThatIsNoInputIsStillWritten) {
    auto r = run({"export", "--format", "nftables", "--output", "ports.nft"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(read_text(dir() / "ports.nft"), "25080"));
    r = run({"map", "--html", "map.html"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(dir() / "map.html"));
}

// --- B: a suggested command runs only what it says ----------------------------------------

TEST(SuggestedCommands, TheMergeDriversThenLineIsSafeToPasteInAFolderNamedLikeCode) {
    GitRepo repo;
    const std::string folder = "$(touch x)";
    const fs::path sub = repo.path() / folder;
    fs::create_directories(sub);
    auto env = GitRepo::environment();
    auto hp = [&](const std::vector<std::string>& args) {
        auto r = harmony_ports(args, sub, env);
        EXPECT_EQ(r.exit_code, 0) << r.err;
    };
    hp({"init"});
    hp({"git", "setup"});
    repo.commit("registry");
    repo.git_ok({"branch", "side"});
    repo.git_ok({"checkout", "-q", "side"});
    hp({"allocate", "theirs-svc", "--port", "25200", "--notes", "line one\nline two; $(touch y)"});
    repo.commit("side");
    repo.git_ok({"checkout", "-q", "main"});
    hp({"allocate", "ours-svc", "--port", "25200"});
    repo.commit("main");
    auto m = repo.git({"merge", "--no-edit", "side"});
    ASSERT_EQ(m.exit_code, 1) << m.out << m.err;
    // The settle line holds the note on one line, quoted.
    const std::string settle =
        "harmony-ports:   settle: place it again: harmony-ports allocate theirs-svc --notes "
        "'line one\\x0aline two; $(touch y)'\n";
    EXPECT_TRUE(contains(m.err, settle)) << m.err;
    EXPECT_FALSE(contains(m.err, "harmony-ports:   settle: line two")) << m.err;
    // The then line, pasted into a shell in the repository, adds the file and runs nothing else.
    const std::string lead = "harmony-ports: then: ";
    const auto at = m.err.find(lead);
    ASSERT_NE(at, std::string::npos) << m.err;
    const std::string line =
        m.err.substr(at + lead.size(), m.err.find('\n', at) - at - lead.size());
    EXPECT_EQ(line, "git add '$(touch x)/harmony.network.ports.toml' && git commit");
    env["GIT_EDITOR"] = "true";
    auto pasted = run_process({"/bin/sh", "-c", line}, repo.path(), env);
    EXPECT_EQ(pasted.exit_code, 0) << pasted.out << pasted.err;
    for (const fs::path& where : {repo.path(), sub}) {
        EXPECT_FALSE(fs::exists(where / "x")) << where;
        EXPECT_FALSE(fs::exists(where / "y")) << where;
    }
    EXPECT_EQ(repo.git_ok({"status", "--porcelain"}), "") << "git add and commit ran";
}

// --- C: the smaller items -------------------------------------------------------------------

// C1: EROFS is not "permission denied".
TEST_F(Safety, AReadOnlyFileSystemIsNamedAsSuch) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root for a private mount namespace";
    }
    const std::string script =
        "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && cd \"$1\" && "
        "exec \"$0\" allocate web";
    auto r = run_process({"/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                          script, HARMONY_PORTS_BIN, dir().string()},
                         dir(), {{"HARMONY_PORTS_REGISTRY", ""}, {"NO_COLOR", "1"}});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_EQ(r.err, "harmony-ports: error: " + registry().string() +
                         ": is on a read-only file system; not changed\n");
    EXPECT_FALSE(contains(r.err, "permission denied"));
    EXPECT_EQ(read_text(registry()), m_bytes);
}

// C2, C4: a timeout that can never be met, or given empty, is refused; --lock-timeout 0 tries once.
TEST_F(Safety, StoreTimeoutZeroNegativeOrEmptyIsRefused) {
    for (const std::string value : {"0", "-1", ""}) {
        SCOPED_TRACE(value);
        auto r = run({"--store-timeout", value, "list"});
        EXPECT_EQ(r.exit_code, 2) << r.err;
        EXPECT_EQ(r.err, "harmony-ports: error: invalid store timeout '" + value +
                             "': expected a decimal number 1-86400\n");
    }
    EXPECT_EQ(run({"--store-timeout", "1", "list"}).exit_code, 0);
}

TEST_F(Safety, AnEmptyLockTimeoutIsRefusedAndZeroStillTriesOnce) {
    auto r = run({"--lock-timeout", "", "allocate", "web"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.err,
              "harmony-ports: error: invalid lock timeout '': expected a decimal number 0-86400\n");
    EXPECT_EQ(read_text(registry()), m_bytes);
    r = run({"--lock-timeout", "0", "allocate", "web"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

// C3: a '+' sign is refused in a registry file, TOML and YAML alike, with its position.
TEST_F(Safety, APortWithAPlusSignIsRefusedWithItsPosition) {
    write_text(registry(), "schema_version = 1\n\n[[allocation]]\nname = \"web\"\nport = +25080\n");
    auto r = run({"list"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(contains(r.err, std::string(k_registry) +
                                    ":5:8: port must be an integer, not an integer with a '+' "
                                    "sign"))
        << r.err;
    fs::remove(registry());
    write_text(dir() / "harmony.network.ports.yaml",
               "schema_version: 1\nallocation:\n  - name: web\n    port: +25080\n");
    r = run({"list"});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(contains(r.err, "harmony.network.ports.yaml:4:11: port must be an integer"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "+25080")) << r.err;
}

// C5: one pool lookup: `default` names the default pool for list and map alike.
TEST_F(Safety, MapAndListAgreeOnTheDefaultPoolAndOnAnUnknownOne) {
    auto list = run({"list", "--pool", "default"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    auto map = run({"map", "--pool", "default", "--json"});
    EXPECT_EQ(map.exit_code, 0) << map.err;
    EXPECT_TRUE(contains(map.out, "\"first\":25000")) << map.out.substr(0, 300);
    auto bad_list = run({"list", "--pool", "defualt"});
    auto bad_map = run({"map", "--pool", "defualt"});
    EXPECT_EQ(bad_list.exit_code, 1);
    EXPECT_EQ(bad_map.exit_code, 1);
    EXPECT_TRUE(contains(bad_list.err, "no pool named 'defualt' in ")) << bad_list.err;
    EXPECT_TRUE(contains(bad_list.err, "(did you mean default?)")) << bad_list.err;
    EXPECT_TRUE(contains(bad_map.err,
                         "no pool named 'defualt' in the registry (did you mean "
                         "default?)"))
        << bad_map.err;
}
