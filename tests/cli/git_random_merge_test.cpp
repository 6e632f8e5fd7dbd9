// Randomized: several branches make random allocations, releases and edits; they are merged
// in random orders through the driver, settling conflicts as the driver's messages say. The
// result always loads, never holds a duplicate port, keeps every entry no branch removed and
// every name a branch added; and `diff` against each branch reports exactly what it changed.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <harmony/network/registry_file.hpp>

#include "cli/git_support.hpp"

using namespace harmony::testing;
namespace hn = harmony::network;

namespace {

constexpr int k_base_services = 8;
constexpr int k_branches = 4;

// What one branch did, as a reviewer would list it.
struct BranchChanges {
    std::string name;
    std::set<std::string> added;
    std::set<std::string> released;
    std::map<std::string, std::string> owners;  // hand edits of an owner
};

std::string base_service(int i) {
    return fmt::format("base-{}", i);
}

// Sets `name`'s owner by rewriting the registry as a person's editor would leave it: through
// the library's own reader and canonical writer.
void set_owner(const GitRepo& repo, const std::string& name, const std::string& owner) {
    auto r = hn::parse_registry(repo.text(), hn::RegistryFormat::toml, "reg", hn::k_adr014_range);
    ASSERT_TRUE(r.has_value()) << r.error().message;
    for (auto& a : r->allocations) {
        if (a.name == name) {
            a.owner = owner;
        }
    }
    write_text(repo.path() / "harmony.network.ports.toml",
               hn::render_registry(*r, hn::RegistryFormat::toml));
}

class RandomBranch {
  public:
    RandomBranch(const GitRepo& repo, std::mt19937& rng, int index)
        : m_repo(repo), m_rng(rng), m_index(index) {
        m_changes.name = fmt::format("branch-{}", index);
    }

    BranchChanges run(int operations) {
        for (int op = 0; op < operations; ++op) {
            switch (std::uniform_int_distribution<int>(0, 3)(m_rng)) {
                case 0:
                    allocate(false);
                    break;
                case 1:
                    allocate(true);
                    break;
                case 2:
                    release();
                    break;
                default:
                    edit();
                    break;
            }
        }
        return m_changes;
    }

  private:
    std::string fresh_name() { return fmt::format("b{}-s{}", m_index, m_next++); }
    // Pinned ports come from a few hot ones, so branches clash.
    void allocate(bool pinned) {
        std::string name = fresh_name();
        std::vector<std::string> args{"allocate", name};
        if (pinned) {
            args.push_back("--port");
            args.push_back(std::to_string(25200 + std::uniform_int_distribution<int>(0, 5)(m_rng)));
        } else if (std::uniform_int_distribution<int>(0, 2)(m_rng) == 0) {
            args.insert(args.end(), {"--count", "3", "--protocol", "tcp+udp"});
        }
        if (m_repo.hp(args).exit_code == 0) {
            m_changes.added.insert(name);
        }
    }
    std::string untouched_base_service() {
        for (int tries = 0; tries < 10; ++tries) {
            auto s =
                base_service(std::uniform_int_distribution<int>(0, k_base_services - 1)(m_rng));
            if (!m_changes.released.contains(s)) {
                return s;
            }
        }
        return {};
    }
    void release() {
        std::string s = untouched_base_service();
        if (!s.empty() && !m_changes.owners.contains(s)) {
            ASSERT_EQ(m_repo.hp({"release", s}).exit_code, 0);
            m_changes.released.insert(s);
        }
    }
    void edit() {
        std::string s = untouched_base_service();
        if (!s.empty()) {
            std::string owner = fmt::format("owner-of-{}", m_changes.name);
            set_owner(m_repo, s, owner);
            m_changes.owners[s] = owner;
        }
    }

    const GitRepo& m_repo;
    std::mt19937& m_rng;
    int m_index;
    int m_next = 0;
    BranchChanges m_changes;
};

// Settles a conflicted merge as the driver's messages say: each suggested command is run.
void settle(const GitRepo& repo, const std::string& err) {
    for (const std::string lead : {"place it again: ", "release it as the other side did: "}) {
        for (const auto& words : suggested_commands(err, lead)) {
            auto r = repo.hp(words);
            EXPECT_EQ(r.exit_code, 0) << words[1] << ": " << r.err;
        }
    }
    repo.commit("settled");
}

// Allocations by name, and a check that no port (and protocol) is held twice.
std::map<std::string, nlohmann::json> allocations_without_duplicates(const GitRepo& repo) {
    auto list = repo.hp({"list", "--json"});
    EXPECT_EQ(list.exit_code, 0) << list.err;
    std::map<std::string, nlohmann::json> by_name;
    std::set<std::pair<int, std::string>> held;
    auto doc = nlohmann::json::parse(list.out);
    for (const auto& a : doc["allocations"]) {
        by_name[a["name"]] = a;
        for (int p = a["first"]; p <= a["last"].get<int>(); ++p) {
            for (const auto& proto : a["protocols"]) {
                EXPECT_TRUE(held.emplace(p, proto).second)
                    << "port " << p << "/" << proto << " held twice";
            }
        }
    }
    return by_name;
}

void expect_merged(const GitRepo& repo, const std::vector<BranchChanges>& merged) {
    auto check = repo.hp({"check", "--json"});
    EXPECT_EQ(check.exit_code, 0) << check.out;
    auto by_name = allocations_without_duplicates(repo);
    std::set<std::string> released;
    for (const auto& b : merged) {
        released.insert(b.released.begin(), b.released.end());
        for (const auto& name : b.added) {
            EXPECT_TRUE(by_name.contains(name)) << name << " from " << b.name << " was lost";
        }
    }
    for (int i = 0; i < k_base_services; ++i) {
        EXPECT_EQ(by_name.contains(base_service(i)), !released.contains(base_service(i)))
            << base_service(i);
    }
}

// `diff base BRANCH --json` lists exactly what the branch did: its additions, its releases
// and its owner edits, none breaking.
void expect_diff_is_branch(const GitRepo& repo, const BranchChanges& b) {
    std::set<std::string> expected;
    for (const auto& n : b.added) {
        expected.insert(fmt::format("added {}", n));
    }
    for (const auto& n : b.released) {
        expected.insert(fmt::format("released {}", n));
    }
    for (const auto& [n, owner] : b.owners) {
        expected.insert(fmt::format("changed {} owner {}", n, owner));
    }
    auto r = repo.hp({"diff", "base", b.name, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    auto doc = nlohmann::json::parse(r.out);
    std::set<std::string> reported;
    for (const auto& c : doc["changes"]) {
        std::string line =
            fmt::format("{} {}", c["kind"].get<std::string>(), c["name"].get<std::string>());
        if (c["kind"] == "changed") {
            line +=
                fmt::format(" {} {}", c["field"].get<std::string>(), c["new"].get<std::string>());
        }
        reported.insert(line);
        EXPECT_FALSE(c["breaking"].get<bool>()) << line;
    }
    EXPECT_EQ(reported, expected) << b.name;
}

// Returns how many of the merges stopped with conflicts.
int run_scenario(unsigned seed) {
    SCOPED_TRACE(fmt::format("seed {}", seed));
    std::mt19937 rng(seed);
    GitRepo repo;
    repo.hp_ok({"init"});
    repo.hp_ok({"git", "setup"});
    for (int i = 0; i < k_base_services; ++i) {
        repo.hp_ok({"allocate", base_service(i)});
    }
    repo.commit("base");
    repo.git_ok({"tag", "base"});
    std::vector<BranchChanges> branches;
    for (int b = 0; b < k_branches; ++b) {
        repo.git_ok({"checkout", "-q", "-b", fmt::format("branch-{}", b), "main"});
        branches.push_back(RandomBranch(repo, rng, b).run(6));
        repo.commit(fmt::format("branch {}", b));
    }
    repo.git_ok({"checkout", "-q", "main"});
    for (const auto& b : branches) {
        expect_diff_is_branch(repo, b);
    }
    std::shuffle(branches.begin(), branches.end(), rng);
    std::vector<BranchChanges> merged;
    int conflicted = 0;
    for (const auto& b : branches) {
        auto m = repo.git({"merge", "--no-edit", b.name});
        EXPECT_TRUE(m.exit_code == 0 || m.exit_code == 1) << m.err;
        if (m.exit_code != 0) {
            EXPECT_NE(m.err.find("harmony-ports: merge: "), std::string::npos) << m.err;
            settle(repo, m.err);
            ++conflicted;
        }
        merged.push_back(b);
        expect_merged(repo, merged);
    }
    return conflicted;
}

TEST(GitRandomMerge, BranchesMergedInRandomOrdersKeepEveryPromise) {
    int conflicted = 0;
    for (unsigned seed = 1; seed <= 10; ++seed) {
        conflicted += run_scenario(seed);
    }
    // Pinned hot ports make branches clash: the settling path is exercised, not only clean
    // merges.
    EXPECT_GT(conflicted, 0);
}

}  // namespace
