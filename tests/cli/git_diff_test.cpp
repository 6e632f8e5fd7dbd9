// End-to-end: `diff` in real git repositories (Debian's git, run as a program), the registry
// changed by the real `init` / `allocate` / `release` and by hand, every kind of change, exit
// codes and the JSON document.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_registry = "harmony.network.ports.toml";
constexpr const char* k_header = "harmony.network.ports.toml from 'HEAD' to the working tree\n";

// A registry written by hand, as a reviewer would see it in a pull request.
std::string registry_text(const std::string& body, int quarantine_days = 30) {
    std::string s = "schema_version = 1\nquarantine_days = ";
    s += std::to_string(quarantine_days);
    s += "\n\n";
    s += body;
    return s;
}

std::string allocation_text(const std::string& name, int port, const std::string& owner = "") {
    std::string s = "[[allocation]]\nname = \"" + name + "\"\nport = " + std::to_string(port);
    s += "\nprotocols = [\"tcp\"]\n";
    if (!owner.empty()) {
        s += "owner = \"" + owner + "\"\n";
    }
    return s + "\n";
}

std::string released_text(const std::string& name, int port, const std::string& until) {
    std::string s = "[[released]]\nname = \"" + name + "\"\nport = " + std::to_string(port);
    s += "\nprotocols = [\"tcp\"]\nreleased = \"2020-01-01T00:00:00Z\"\nuntil = \"" + until;
    return s + "\"\n\n";
}

constexpr const char* k_past = "2021-01-01T00:00:00Z";
constexpr const char* k_future = "2099-01-01T00:00:00Z";

class GitDiff : public ::testing::Test {
  protected:
    void SetUp() override {
        git({"init", "-q", "-b", "main"});
        git({"config", "user.name", "Test"});
        git({"config", "user.email", "test@example.com"});
        git({"config", "commit.gpgsign", "false"});
    }
    // git in the repository, with no user or system configuration to change its behaviour.
    ProcessResult git(std::vector<std::string> args, const fs::path& cwd = {}) {
        args.insert(args.begin(), "/usr/bin/git");
        auto r = run_process(args, cwd.empty() ? dir() : cwd,
                             {{"GIT_CONFIG_GLOBAL", "/dev/null"}, {"GIT_CONFIG_NOSYSTEM", "1"}});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r;
    }
    void commit(const std::string& message) {
        git({"add", "-A"});
        git({"commit", "-q", "--allow-empty", "-m", message});
    }
    ProcessResult hp(const std::vector<std::string>& args) { return harmony_ports(args, dir()); }
    std::string ok(const std::vector<std::string>& args) {
        auto r = hp(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out.substr(0, r.out.find('\n'));
    }
    void write_registry(const std::string& text) { write_text(dir() / k_registry, text); }
    // The registry committed as `before`, then changed by hand to `after` (not committed).
    ProcessResult diff_by_hand(const std::string& before, const std::string& after) {
        write_registry(before);
        commit("before");
        write_registry(after);
        return hp({"diff"});
    }
    const fs::path& dir() const { return m_dir.path(); }
    TempDir m_dir;
};

// `diff` printed the working-tree header, then `body`, and exited with `exit_code`.
void expect_shown(const ProcessResult& r, int exit_code, const std::string& body) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    EXPECT_EQ(r.out, std::string(k_header) + body);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_F(GitDiff, AnUnchangedRegistryHasNoChanges) {
    ok({"init"});
    commit("init");
    auto r = hp({"diff"});
    expect_shown(r, 0, "no changes\n");
}

TEST_F(GitDiff, AllocateIsAddedAndNotBreaking) {
    ok({"init"});
    commit("init");
    std::string port = ok({"allocate", "web", "--owner", "web team"});
    auto r = hp({"diff"});
    expect_shown(r, 0,
                 "+ added               web                      " + port +
                     "/tcp\n1 change, 0 break the registry's promises\n");
}

TEST_F(GitDiff, ReleaseAndReclaimAcrossCommits) {
    ok({"init"});
    std::string port = ok({"allocate", "old"});
    commit("allocate old");
    ok({"release", "old"});
    auto released = hp({"diff"});
    EXPECT_EQ(released.exit_code, 0) << released.err;
    EXPECT_TRUE(contains(released.out, "- released            old                      " + port +
                                           "/tcp (quarantined until 20"))
        << released.out;
    commit("release old");
    EXPECT_EQ(ok({"allocate", "old"}), port);  // its own port back, from quarantine
    commit("allocate old again");
    auto reclaimed = hp({"diff", "HEAD~1", "HEAD"});
    EXPECT_EQ(reclaimed.exit_code, 0) << reclaimed.err;
    EXPECT_EQ(reclaimed.out,
              "harmony.network.ports.toml from 'HEAD~1' to 'HEAD'\n"
              "+ reclaimed           old                      " +
                  port +
                  "/tcp (taken back from quarantine)\n"
                  "1 change, 0 break the registry's promises\n");
    // From the first commit to the last, the name kept its port: nothing to see.
    EXPECT_EQ(hp({"diff", "HEAD~2", "HEAD"}).exit_code, 0);
    EXPECT_TRUE(contains(hp({"diff", "HEAD~2", "HEAD"}).out, "no changes"));
}

TEST_F(GitDiff, AnAllocationRemovedByHandBreaks) {
    auto r =
        diff_by_hand(registry_text(allocation_text("old", 25100) + allocation_text("web", 25101)),
                     registry_text(allocation_text("web", 25101)));
    expect_shown(r, 1,
                 "! removed             old                      25100/tcp (no release, "
                 "no quarantine)  [breaking]\n1 change, 1 breaks the registry's "
                 "promises\n");
}

TEST_F(GitDiff, APortEditedByHandIsAMoveAndBreaks) {
    auto r = diff_by_hand(registry_text(allocation_text("bar", 25300)),
                          registry_text(allocation_text("bar", 25301)));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(contains(r.out,
                         "! moved               bar                      25300/tcp -> "
                         "25301/tcp  [breaking]\n"))
        << r.out;
}

TEST_F(GitDiff, MetadataEditedByHandIsAChange) {
    auto r = diff_by_hand(registry_text(allocation_text("baz", 25200, "a")),
                          registry_text(allocation_text("baz", 25200, "b\\u001b[2J")));
    // The terminal sees the escape sequence escaped, never acted on.
    expect_shown(r, 0,
                 "~ changed             baz                      owner: \"a\" -> "
                 "\"b\\x1b[2J\"\n1 change, 0 break the registry's promises\n");
}

TEST_F(GitDiff, PoolsAddedRemovedAndChanged) {
    std::string metrics = "[[pool]]\nname = \"metrics\"\nports = \"25090-25099\"\n\n";
    std::string control = "[[pool]]\nname = \"control\"\nports = \"25500-25519\"\n\n";
    std::string wider = "[[pool]]\nname = \"control\"\nports = \"25500-25529\"\n\n";
    std::string edge = "[[pool]]\nname = \"edge\"\nports = \"25600-25609\"\nreserved = true\n\n";
    auto r = diff_by_hand(registry_text(metrics + control), registry_text(wider + edge));
    expect_shown(r, 0,
                 "~ pool-changed        control                  ports: 25500-25519 -> "
                 "25500-25529\n"
                 "+ pool-added          edge                     25600-25609\n"
                 "- pool-removed        metrics                  25090-25099\n"
                 "3 changes, 0 break the registry's promises\n");
}

TEST_F(GitDiff, QuarantineEndedIsFineDroppedEarlyBreaks) {
    auto r = diff_by_hand(registry_text(released_text("gone", 25100, k_past) +
                                        released_text("kept", 25101, k_future)),
                          registry_text(""));
    expect_shown(r, 1,
                 "- quarantine-ended    gone                     25100/tcp (ended "
                 "2021-01-01T00:00:00Z)\n"
                 "! quarantine-dropped  kept                     25101/tcp (quarantined "
                 "until 2099-01-01T00:00:00Z)  [breaking]\n"
                 "2 changes, 1 breaks the registry's promises\n");
    // The ended one alone does not fail the check.
    commit("drop both");
    write_registry(registry_text(released_text("gone", 25100, k_past)));
    commit("back");
    write_registry(registry_text(""));
    EXPECT_EQ(hp({"diff"}).exit_code, 0);
}

TEST_F(GitDiff, AnotherNameOnAQuarantinedPortViolatesIt) {
    std::string before = registry_text(released_text("old", 25100, k_future));
    write_registry(before);
    commit("released old");
    // The allocator refuses it...
    auto refused = hp({"allocate", "web", "--port", "25100"});
    EXPECT_EQ(refused.exit_code, 1);
    // ...so a hand edit is what diff must catch.
    write_registry(registry_text(allocation_text("web", 25100)));
    auto r = hp({"diff"});
    expect_shown(r, 1,
                 "+ added               web                      25100/tcp\n"
                 "! quarantine-violated web                      25100/tcp (quarantined "
                 "for 'old' until 2099-01-01T00:00:00Z)  [breaking]\n"
                 "2 changes, 1 breaks the registry's promises\n");
}

TEST_F(GitDiff, SettingsChangedInTheRegistryAndInHarmonyToml) {
    ok({"init", "--empty"});
    commit("init");
    write_registry(registry_text("", 7));
    write_text(dir() / "harmony.toml",
               "[harmony.network.defaults]\norchestrator_port_range = \"25000-25499\"\n");
    commit("settings");
    auto r = hp({"diff", "HEAD~1", "HEAD"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "harmony.network.ports.toml from 'HEAD~1' to 'HEAD'\n"
              "~ setting-changed     quarantine_days          quarantine_days: 30 -> 7\n"
              "~ setting-changed     range                    range: 25000-25999 -> "
              "25000-25499\n"
              "2 changes, 0 break the registry's promises\n");
}

TEST_F(GitDiff, JsonHasEveryKeyOnEveryChange) {
    auto r =
        diff_by_hand(registry_text(allocation_text("bar", 25300) + allocation_text("old", 25301)),
                     registry_text(allocation_text("bar", 25302, "me")));
    EXPECT_EQ(r.exit_code, 1);
    // Parsed keeping key order: the document's order is part of its stable shape.
    auto j = nlohmann::ordered_json::parse(hp({"diff", "--json"}).out);
    EXPECT_EQ(j["from"], "HEAD");
    EXPECT_TRUE(j["to"].is_null());
    EXPECT_EQ(j["file"], k_registry);
    EXPECT_EQ(j["changes_total"], 3);
    EXPECT_EQ(j["breaking"], 2);
    ASSERT_EQ(j["changes"].size(), 3U);
    const auto& moved = j["changes"][0];
    EXPECT_EQ(moved["kind"], "moved");
    EXPECT_EQ(moved["name"], "bar");
    EXPECT_EQ(moved["breaking"], true);
    EXPECT_EQ(moved["before"],
              nlohmann::json::parse(R"({"first":25300,"last":25300,"protocols":["tcp"]})"));
    EXPECT_EQ(moved["after"]["first"], 25302);
    EXPECT_TRUE(moved["field"].is_null());
    EXPECT_EQ(moved["message"],
              "'bar' moved from 25300/tcp to 25302/tcp: a placed name keeps its ports");
    const auto& changed = j["changes"][1];
    EXPECT_EQ(changed["kind"], "changed");
    EXPECT_EQ(changed["field"], "owner");
    EXPECT_EQ(changed["old"], "");
    EXPECT_EQ(changed["new"], "me");
    EXPECT_EQ(j["changes"][2]["kind"], "removed");
    for (const auto& c : j["changes"]) {
        std::vector<std::string> keys;
        for (const auto& [key, value] : c.items()) {
            keys.push_back(key);
        }
        EXPECT_EQ(keys, (std::vector<std::string>{"kind", "name", "breaking", "message", "before",
                                                  "after", "field", "old", "new", "until",
                                                  "quarantine_of"}));
    }
    auto two = nlohmann::json::parse(hp({"diff", "HEAD", "HEAD", "--json"}).out);
    EXPECT_EQ(two["to"], "HEAD");
    EXPECT_EQ(two["changes_total"], 0);
}

TEST_F(GitDiff, AYamlRegistry) {
    ok({"init", "--format", "yaml"});
    commit("init");
    std::string port = ok({"allocate", "web"});
    auto r = hp({"diff"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "harmony.network.ports.yaml from 'HEAD' to the working tree\n"
              "+ added               web                      " +
                  port + "/tcp\n1 change, 0 break the registry's promises\n");
}

TEST_F(GitDiff, AFileAbsentAtTheRevisionIsAllAdded) {
    write_text(dir() / "README", "hello\n");
    commit("no registry yet");
    ok({"init"});
    auto r = hp({"diff"});
    expect_shown(r, 0,
                 "+ pool-added          control-plane            25500-25519\n"
                 "+ pool-added          future-scores            25550-25599\n"
                 "+ pool-added          metrics                  25090-25099\n"
                 "+ added               ceph-rgw                 25080/tcp\n"
                 "+ added               internal-https           25443/tcp\n"
                 "5 changes, 0 break the registry's promises\n");
    commit("init");
    EXPECT_EQ(hp({"diff", "HEAD~1", "HEAD"}).out, r.out.replace(0, std::string(k_header).size(),
                                                                "harmony.network.ports.toml from "
                                                                "'HEAD~1' to 'HEAD'\n"));
}

TEST_F(GitDiff, ARegistryInASubfolderIsNamedFromTheTop) {
    fs::create_directories(dir() / "deploy");
    ASSERT_EQ(harmony_ports({"init"}, dir() / "deploy").exit_code, 0);
    commit("init");
    ASSERT_EQ(harmony_ports({"allocate", "web", "--port", "25100"}, dir() / "deploy").exit_code, 0);
    auto r = harmony_ports({"diff"}, dir() / "deploy");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "deploy/harmony.network.ports.toml from 'HEAD' to the working tree\n"
              "+ added               web                      25100/tcp\n"
              "1 change, 0 break the registry's promises\n");
}

TEST_F(GitDiff, AnUnknownRevisionIsBadInput) {
    ok({"init"});
    commit("init");
    auto r = hp({"diff", "no-such-branch"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(r.out.empty());
    EXPECT_TRUE(contains(r.err, "harmony-ports: error: no commit named 'no-such-branch'")) << r.err;
    auto three = hp({"diff", "HEAD", "HEAD", "HEAD"});
    EXPECT_EQ(three.exit_code, 2);
    EXPECT_TRUE(contains(three.err, "harmony-ports: error: ")) << three.err;
}

TEST_F(GitDiff, OutsideAGitWorkTreeIsBadInput) {
    TempDir outside;
    ASSERT_EQ(harmony_ports({"init"}, outside.path()).exit_code, 0);
    auto r = harmony_ports({"diff"}, outside.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "is not inside a git work tree")) << r.err;
}

TEST_F(GitDiff, ARegistryThatDoesNotParseAtTheRevisionNamesItsPosition) {
    write_registry("schema_version = 1\n[[allocation]]\nname = \"web\"\nport = = 25100\n");
    commit("broken");
    write_registry(registry_text(allocation_text("web", 25100)));
    auto r = hp({"diff"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "harmony-ports: error: HEAD:harmony.network.ports.toml:4:"))
        << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(GitDiff, GitThatCannotRunIsAnEnvironmentFailure) {
    ok({"init"});
    commit("init");
    auto r = harmony_ports({"diff"}, dir(), {{"PATH", "/nonexistent"}});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "harmony-ports: error: ")) << r.err;
}
