// The merge driver under real `git merge`: registries merged as data, conflicts that leave a
// valid file and say what to run, and the conflict markers of a merge made without it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/git_support.hpp"

using namespace harmony::testing;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The port (or block) `list --json` gives `name`, or "" when it is not allocated.
std::string port_of(const GitRepo& repo, const std::string& name) {
    auto doc = nlohmann::json::parse(repo.hp_ok({"list", "--json"}));
    for (const auto& a : doc["allocations"]) {
        if (a["name"] == name) {
            int first = a["first"];
            int last = a["last"];
            return first == last ? std::to_string(first)
                                 : std::to_string(first) + "-" + std::to_string(last);
        }
    }
    return "";
}

class GitMerge : public ::testing::Test {
  protected:
    // An initialised registry committed on main with the driver set up; then branch `side`.
    void SetUp() override { start(repo, {"init"}, true); }

    static void start(const GitRepo& r, const std::vector<std::string>& init, bool driver) {
        r.hp_ok(init);
        if (driver) {
            r.hp_ok({"git", "setup"});
        }
        r.commit("registry");
        r.git_ok({"branch", "side"});
    }
    // Runs `change` on branch side and `ours` on main, commits both, merges side into main.
    template <typename Side, typename Ours>
    ProcessResult merge(const GitRepo& r, Side side, Ours ours) {
        r.git_ok({"checkout", "-q", "side"});
        side();
        r.commit("side");
        r.git_ok({"checkout", "-q", "main"});
        ours();
        r.commit("main");
        return r.git({"merge", "--no-edit", "side"});
    }
    static void expect_no_markers(const GitRepo& r,
                                  const std::string& file = "harmony.network.ports.toml") {
        EXPECT_FALSE(contains(r.text(file), "<<<<<<<")) << r.text(file);
    }
    GitRepo repo;
};

TEST_F(GitMerge, ParallelAllocationsMergeCleanly) {
    auto m = merge(
        repo,
        [&] {
            repo.hp_ok({"allocate", "alpha", "--owner", "team-a"});
        },
        [&] {
            repo.hp_ok({"allocate", "beta"});
        });
    EXPECT_EQ(m.exit_code, 0) << m.out << m.err;
    expect_no_markers(repo);
    EXPECT_NE(port_of(repo, "alpha"), "");
    EXPECT_NE(port_of(repo, "beta"), "");
    EXPECT_NE(port_of(repo, "ceph-rgw"), "");
    EXPECT_EQ(repo.hp({"check"}).exit_code, 0);
    EXPECT_EQ(repo.git_ok({"status", "--porcelain"}), "");
}

TEST_F(GitMerge, WithoutTheDriverTheSameMergeConflictsAsText) {
    GitRepo plain;
    start(plain, {"init"}, false);
    auto m = merge(
        plain,
        [&] {
            plain.hp_ok({"allocate", "alpha", "--port", "25301"});
        },
        [&] {
            plain.hp_ok({"allocate", "beta", "--port", "25300"});
        });
    ASSERT_EQ(m.exit_code, 1) << "both insert after the same entry of the file";
    auto list = plain.hp({"list"});
    EXPECT_EQ(list.exit_code, 2);
    EXPECT_TRUE(contains(list.err, "harmony.network.ports.toml:")) << list.err;
    EXPECT_TRUE(contains(list.err, ":1: unresolved git merge conflict ('<<<<<<<' marker)"))
        << list.err;
    EXPECT_TRUE(contains(list.err, "harmony-ports git setup && git checkout -m")) << list.err;
    // The way out the message gives: set the driver up and redo the file's merge.
    plain.hp_ok({"git", "setup"});
    plain.git_ok({"checkout", "-m", "harmony.network.ports.toml"});
    expect_no_markers(plain);
    EXPECT_NE(port_of(plain, "alpha"), "");
    EXPECT_NE(port_of(plain, "beta"), "");
    plain.commit("merged");
}

TEST_F(GitMerge, MetadataOnDifferentEntriesIsKeptFromBoth) {
    auto m = merge(
        repo, [&] { repo.edit("name = \"ceph-rgw\"", "name = \"ceph-rgw\"\nowner = \"storage\""); },
        [&] {
            repo.edit("notes = \"Internal HTTPS", "owner = \"web\"\nnotes = \"Internal HTTPS");
        });
    EXPECT_EQ(m.exit_code, 0) << m.err;
    auto doc = nlohmann::json::parse(repo.hp_ok({"list", "--json"}));
    std::map<std::string, std::string> owners;
    for (const auto& a : doc["allocations"]) {
        owners[a["name"]] = a["owner"];
    }
    EXPECT_EQ(owners["ceph-rgw"], "storage");
    EXPECT_EQ(owners["internal-https"], "web");
}

TEST_F(GitMerge, OneFieldChangedOnBothSidesIsAConflictInAValidFile) {
    auto m = merge(
        repo,
        [&] {
            repo.hp_ok({"allocate", "gamma", "--owner", "theirs-team"});
        },
        [&] {
            repo.hp_ok({"allocate", "gamma", "--owner", "ours-team"});
        });
    EXPECT_EQ(m.exit_code, 1);
    EXPECT_TRUE(contains(m.err,
                         "service gamma: owner changed on both sides (ours \"ours-team\", "
                         "theirs \"theirs-team\"); the merged file keeps ours"))
        << m.err;
    EXPECT_TRUE(contains(m.err, "git add harmony.network.ports.toml && git commit")) << m.err;
    EXPECT_EQ(repo.git_ok({"status", "--porcelain"}), "UU harmony.network.ports.toml\n");
    expect_no_markers(repo);
    EXPECT_TRUE(contains(repo.text(), "owner = \"ours-team\""));
    EXPECT_EQ(repo.hp({"check"}).exit_code, 0);
    repo.commit("settled");
}

TEST_F(GitMerge, TwoNamesOnOnePortKeepOursAndSayHowToPlaceTheirs) {
    auto m = merge(
        repo,
        [&] {
            repo.hp_ok({"allocate", "theirs-svc", "--port", "25200", "--protocol", "tcp+udp",
                        "--owner", "team-t"});
        },
        [&] {
            repo.hp_ok({"allocate", "ours-svc", "--port", "25200"});
        });
    EXPECT_EQ(m.exit_code, 1);
    EXPECT_TRUE(contains(m.err,
                         "port 25200/tcp: ours gives it to ours-svc, theirs gives it to "
                         "theirs-svc; the merged file keeps ours-svc and leaves "
                         "theirs-svc out"))
        << m.err;
    expect_no_markers(repo);
    EXPECT_EQ(port_of(repo, "ours-svc"), "25200");
    EXPECT_EQ(port_of(repo, "theirs-svc"), "");
    // What the message says to run places it, with what it had, on a free port.
    auto commands = suggested_commands(m.err, "place it again: ");
    ASSERT_EQ(commands.size(), 1U) << m.err;
    const auto& command = commands[0];
    EXPECT_EQ(command, (std::vector<std::string>{"allocate", "theirs-svc", "--protocol", "tcp+udp",
                                                 "--owner", "team-t"}));
    repo.hp_ok(command);
    EXPECT_NE(port_of(repo, "theirs-svc"), "");
    EXPECT_NE(port_of(repo, "theirs-svc"), "25200");
    EXPECT_EQ(repo.hp({"check"}).exit_code, 0);
    repo.commit("settled");
}

TEST_F(GitMerge, OneNameAtTwoPortsKeepsOursPort) {
    auto m = merge(
        repo,
        [&] {
            repo.hp_ok({"allocate", "web", "--port", "25301"});
        },
        [&] {
            repo.hp_ok({"allocate", "web", "--port", "25300"});
        });
    EXPECT_EQ(m.exit_code, 1);
    EXPECT_TRUE(contains(m.err,
                         "service web is at 25300/tcp on ours and at 25301/tcp on "
                         "theirs; the merged file keeps ours' 25300/tcp"))
        << m.err;
    EXPECT_EQ(port_of(repo, "web"), "25300");
    EXPECT_EQ(repo.hp({"check"}).exit_code, 0);
}

TEST_F(GitMerge, AReleaseAgainstAChangeKeepsTheAllocationAndSaysHowToRelease) {
    auto m = merge(
        repo,
        [&] {
            repo.hp_ok({"release", "ceph-rgw"});
        },
        [&] { repo.edit("name = \"ceph-rgw\"", "name = \"ceph-rgw\"\nowner = \"storage\""); });
    EXPECT_EQ(m.exit_code, 1);
    EXPECT_TRUE(contains(m.err,
                         "service ceph-rgw (25080/tcp): released on theirs, changed on "
                         "ours; the merged file keeps the allocation as ours changed it"))
        << m.err;
    EXPECT_TRUE(contains(m.err, "harmony-ports release ceph-rgw")) << m.err;
    EXPECT_EQ(port_of(repo, "ceph-rgw"), "25080");
    EXPECT_FALSE(contains(repo.text(), "[[released]]")) << "the release lost, so no quarantine";
    repo.hp_ok({"release", "ceph-rgw"});
    EXPECT_EQ(port_of(repo, "ceph-rgw"), "");
    repo.commit("settled");
}

TEST_F(GitMerge, AReleaseOnOneSideAndAnAllocationOnTheOtherMergeCleanly) {
    auto m = merge(
        repo,
        [&] {
            repo.hp_ok({"release", "ceph-rgw"});
        },
        [&] {
            repo.hp_ok({"allocate", "delta"});
        });
    EXPECT_EQ(m.exit_code, 0) << m.err;
    EXPECT_EQ(port_of(repo, "ceph-rgw"), "");
    EXPECT_TRUE(contains(repo.text(), "[[released]]\nname = \"ceph-rgw\""));
    EXPECT_NE(port_of(repo, "delta"), "");
}

TEST_F(GitMerge, AYamlRegistryMergesAsData) {
    GitRepo yaml;
    start(yaml, {"init", "--format", "yaml"}, true);
    const std::string file = "harmony.network.ports.yaml";
    auto m = merge(
        yaml,
        [&] {
            yaml.hp_ok({"allocate", "alpha"});
        },
        [&] {
            yaml.hp_ok({"allocate", "beta"});
        });
    EXPECT_EQ(m.exit_code, 0) << m.err;
    expect_no_markers(yaml, file);
    EXPECT_TRUE(contains(yaml.text(file), "- name: \"alpha\""));
    EXPECT_TRUE(contains(yaml.text(file), "- name: \"beta\""));
    EXPECT_FALSE(std::filesystem::exists(yaml.path() / "harmony.network.ports.toml"));
    yaml.git_ok({"checkout", "-q", "-b", "side2", "HEAD~1"});
    yaml.hp_ok({"allocate", "two", "--port", "25400"});
    yaml.commit("side2");
    yaml.git_ok({"checkout", "-q", "main"});
    yaml.hp_ok({"allocate", "one", "--port", "25400"});
    yaml.commit("main2");
    auto clash = yaml.git({"merge", "--no-edit", "side2"});
    EXPECT_EQ(clash.exit_code, 1);
    EXPECT_TRUE(contains(clash.err, "port 25400/tcp: ours gives it to one, theirs gives it to two"))
        << clash.err;
    EXPECT_TRUE(contains(yaml.text(file), "- name: \"one\""));
    EXPECT_EQ(yaml.hp({"check"}).exit_code, 0);
}

TEST_F(GitMerge, ARegistryInASubfolderTakesItsRangeFromTheHarmonyTomlBesideIt) {
    GitRepo sub;
    std::filesystem::create_directories(sub.path() / "infra");
    auto init = harmony_ports({"init", "--empty", "--range", "30000-30999"}, sub.path() / "infra",
                              GitRepo::environment());
    ASSERT_EQ(init.exit_code, 0) << init.err;
    sub.hp_ok({"git", "setup"});
    sub.commit("registry");
    sub.git_ok({"branch", "side"});
    auto in_infra = [&](const std::vector<std::string>& args) {
        auto r = harmony_ports(args, sub.path() / "infra", GitRepo::environment());
        EXPECT_EQ(r.exit_code, 0) << r.err;
    };
    auto m = merge(
        sub,
        [&] {
            in_infra({"allocate", "alpha"});
        },
        [&] {
            in_infra({"allocate", "beta"});
        });
    EXPECT_EQ(m.exit_code, 0) << m.err;
    std::string text = sub.text("infra/harmony.network.ports.toml");
    EXPECT_TRUE(contains(text, "name = \"alpha\"\nport = 30")) << text;
    EXPECT_TRUE(contains(text, "name = \"beta\"\nport = 30")) << text;
}

TEST_F(GitMerge, ASideThatDoesNotLoadLeavesGitsLineMergeAndSaysWhy) {
    auto m = merge(
        repo, [&] { repo.edit("name = \"ceph-rgw\"", "name = \"Ceph_RGW\""); },
        [&] {
            repo.hp_ok({"allocate", "beta"});
        });
    EXPECT_NE(m.exit_code, 0);
    EXPECT_TRUE(contains(m.err, "harmony.network.ports.toml (theirs):")) << m.err;
    EXPECT_TRUE(contains(m.err, "Ceph_RGW")) << m.err;
    EXPECT_TRUE(contains(m.err, "line merge")) << m.err;
    EXPECT_FALSE(contains(m.err, "git checkout -m")) << "that remedy is for a file, not a side";
    EXPECT_EQ(repo.git_ok({"status", "--porcelain"}), "UU harmony.network.ports.toml\n");
}

TEST_F(GitMerge, ARebaseUsesTheDriverToo) {
    repo.git_ok({"checkout", "-q", "side"});
    repo.hp_ok({"allocate", "alpha"});
    repo.commit("side");
    repo.git_ok({"checkout", "-q", "main"});
    repo.hp_ok({"allocate", "beta"});
    repo.commit("main");
    repo.git_ok({"checkout", "-q", "side"});
    auto r = repo.git({"rebase", "main"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(port_of(repo, "alpha"), "");
    EXPECT_NE(port_of(repo, "beta"), "");
}

TEST(GitSetup, WritesTheTwoPiecesOnceAndKeepsWhatWasThere) {
    GitRepo repo;
    write_text(repo.path() / ".gitattributes", "*.png binary");  // no final newline
    auto first = repo.hp({"git", "setup"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_TRUE(contains(first.out, "added harmony.network.ports.toml merge=harmony-ports"));
    EXPECT_EQ(read_text(repo.path() / ".gitattributes"),
              "*.png binary\nharmony.network.ports.toml merge=harmony-ports\n"
              "harmony.network.ports.yaml merge=harmony-ports\n"
              "harmony.network.ports.yml merge=harmony-ports\n");
    std::string driver = repo.git_ok({"config", "merge.harmony-ports.driver"});
    EXPECT_TRUE(contains(driver, " merge-driver %O %A %B %P\n")) << driver;
    EXPECT_EQ(repo.git_ok({"check-attr", "merge", "harmony.network.ports.toml"}),
              "harmony.network.ports.toml: merge: harmony-ports\n");
    auto again = repo.hp({"git", "setup"});
    EXPECT_EQ(again.exit_code, 0);
    EXPECT_TRUE(contains(again.out, "already set up")) << again.out;
    std::string attributes = read_text(repo.path() / ".gitattributes");
    EXPECT_EQ(std::count(attributes.begin(), attributes.end(), '\n'), 4);
}

TEST(GitSetup, OutsideAGitWorkTreeIsABadPlace) {
    TempDir dir;
    auto r = harmony_ports({"git", "setup"}, dir.path(), GitRepo::environment());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "is not inside a git work tree")) << r.err;
}

TEST(MergeDriver, BadArgumentsAreRefused) {
    TempDir dir;
    auto none = harmony_ports({"merge-driver"}, dir.path());
    EXPECT_EQ(none.exit_code, 2);
    auto missing = harmony_ports({"merge-driver", "nope-o", "nope-a", "nope-b"}, dir.path());
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_TRUE(contains(missing.err, "nope-o")) << missing.err;
}

}  // namespace
