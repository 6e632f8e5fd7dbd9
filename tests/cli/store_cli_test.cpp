// The CLI on a fleet store (a real nats-server): concurrent allocation from many processes and
// two clusters, the same answers as the file store, snapshot/import round trips, `store init`.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include <signal.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <harmony_ports.h>
#include <nlohmann/json.hpp>

#include "cli/store_support.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

class StoreCli : public ::testing::Test {
  protected:
    void SetUp() override {
        SKIP_WITHOUT_NATS_SERVER();
        server = std::make_unique<NatsServer>();
        store = store_args(server->url(), 10);
    }

    // `store init`, from an `init --empty --range RANGE` registry when a range is given.
    void init_store(const std::string& range = "") {
        Args args{"store", "init"};
        if (!range.empty()) {
            ASSERT_EQ(harmony_ports({"init", "--empty", "--range", range}, seed.path()).exit_code,
                      0);
            args.insert(args.end(), {"--from", registry_file(seed).string()});
        }
        auto r = hp(store, args, work.path());
        ASSERT_EQ(r.exit_code, 0) << r.err << "\nserver log:\n" << server->log();
    }

    static fs::path registry_file(const TempDir& dir) {
        return dir.path() / "harmony.network.ports.toml";
    }

    std::unique_ptr<NatsServer> server;
    Args store;
    TempDir work;
    TempDir seed;
};

// Release times are the wall clock's seconds; the two runs of one operation may straddle one.
std::string without_times(const std::string& text) {
    static const std::regex time(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)");
    return std::regex_replace(text, time, "<time>");
}

// One random operation of the equivalence run: allocations with every option, releases,
// re-allocation of released names, and requests that must fail.
Args random_operation(std::mt19937& rng) {
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    const std::string name = fmt::format("svc-{}", pick(40));
    switch (pick(12)) {
        case 0:
            return {"allocate", name, "--pool", "metrics"};
        case 1:
            return {"allocate", name, "--protocol", "udp"};
        case 2:
            return {"allocate", name, "--protocol", "tcp+udp"};
        case 3:
            return {"allocate", name, "--count", std::to_string(2 + pick(4))};
        case 4:
            return {"allocate", name, "--port", std::to_string(25000 + pick(1000))};
        case 5:
            return {"allocate",  name,
                    "--owner",   "team-" + std::to_string(pick(3)),
                    "--notes",   "notes with spaces",
                    "--process", "daemon" + std::to_string(pick(3))};
        case 6:
        case 7:
            return {"release", name};
        case 8:
            return {"allocate", name, "--pool", "no-such-pool"};
        case 9:
            return {"allocate", "pinned-" + name, "--port", "25080"};  // ceph-rgw's
        case 10:
            return {"allocate", name, "--json"};
        default:
            return {"allocate", name};
    }
}

}  // namespace

TEST_F(StoreCli, EightHundredConcurrentAllocationsFromTwoClustersAreDistinctAndKept) {
    init_store("24000-25999");
    constexpr int k_processes = 16;
    constexpr int k_names_each = 50;
    TempDir cluster_a;
    TempDir cluster_b;
    std::vector<std::map<std::string, std::string>> printed(k_processes);
    std::vector<std::thread> threads;
    for (int p = 0; p < k_processes; ++p) {
        threads.emplace_back([&, p] {
            const fs::path& cwd = (p % 2 == 0 ? cluster_a : cluster_b).path();
            for (int i = 0; i < k_names_each; ++i) {
                const std::string name = fmt::format("p{}-n{}", p, i);
                auto r = hp(store, {"allocate", name}, cwd);
                EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
                printed[p][name] = r.out;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    auto listed = listed_ports(store, work.path());
    EXPECT_EQ(listed.size(), static_cast<std::size_t>(k_processes * k_names_each));
    std::map<std::string, int> acknowledged;
    for (const auto& batch : printed) {
        for (const auto& [name, out] : batch) {
            if (!out.empty()) {
                acknowledged[name] = std::stoi(out);
            }
        }
    }
    EXPECT_EQ(acknowledged.size(), listed.size());
    expect_acknowledged_kept(acknowledged, listed);
}

TEST_F(StoreCli, SixteenProcessesRacingForOneNewNameAllGetItsOnePort) {
    init_store();
    std::vector<Args> same(16);
    for (auto& command : same) {
        command = store;
        command.insert(command.end(), {"allocate", "contended"});
    }
    const auto results = run_all_at_once(same, work.path());
    for (const auto& r : results) {
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, results.front().out);
    }
    auto listed = listed_ports(store, work.path());
    ASSERT_TRUE(listed.contains("contended"));
    EXPECT_EQ(std::to_string(listed["contended"]) + "\n", results.front().out);
    auto r = hp(store, {"list", "--json"}, work.path());
    auto list = nlohmann::json::parse(r.out);
    EXPECT_EQ(std::count_if(list["allocations"].begin(), list["allocations"].end(),
                            [](const auto& a) { return a["name"] == "contended"; }),
              1);
}

// 200 random operations; 50 under ASan+UBSan, where each of the 400 processes starts and
// talks to nats-server many times slower and 200 no longer fit the test's 300 s.
#if defined(__SANITIZE_ADDRESS__)
constexpr int k_mixed_operations = 50;
#else
constexpr int k_mixed_operations = 200;
#endif

TEST_F(StoreCli, MixedOperationsGiveTheFileStoresAnswers) {
    init_store();
    TempDir file_dir;
    ASSERT_EQ(harmony_ports({"init"}, file_dir.path()).exit_code, 0);
    std::mt19937 rng(20261201);
    std::set<int> exit_codes;
    for (int op = 0; op < k_mixed_operations; ++op) {
        const Args args = random_operation(rng);
        auto on_file = harmony_ports(args, file_dir.path());
        auto on_store = hp(store, args, work.path());
        const std::string what = fmt::format("operation {}: {}", op, fmt::join(args, " "));
        ASSERT_EQ(on_store.exit_code, on_file.exit_code)
            << what << "\nfile: " << on_file.err << "\nstore: " << on_store.err;
        ASSERT_EQ(without_times(on_store.out), without_times(on_file.out)) << what;
        exit_codes.insert(on_file.exit_code);
    }
    EXPECT_TRUE(exit_codes.contains(0) && exit_codes.contains(1)) << "no failing operations ran";
    EXPECT_EQ(hp(store, {"list", "--json"}, work.path()).out,
              harmony_ports({"list", "--json"}, file_dir.path()).out);
    auto snapshot = hp(store, {"store", "snapshot"}, work.path());
    ASSERT_EQ(snapshot.exit_code, 0) << snapshot.err;
    const auto file_text = read_text(file_dir.path() / "harmony.network.ports.toml");
    EXPECT_EQ(without_times(snapshot.out), without_times(file_text));
    // The file itself, imported, comes back byte for byte (release times included).
    auto imported =
        hp(store, {"store", "import", (file_dir.path() / "harmony.network.ports.toml").string()},
           work.path());
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_EQ(hp(store, {"store", "snapshot"}, work.path()).out, file_text);
}

TEST_F(StoreCli, SnapshotImportedIntoAFreshBucketSnapshotsTheSame) {
    init_store();
    for (const Args& a :
         {Args{"allocate", "ntfy"}, Args{"allocate", "dns", "--protocol", "tcp+udp"},
          Args{"allocate", "prom", "--pool", "metrics", "--count", "3"}, Args{"allocate", "old"},
          Args{"release", "old"}}) {
        ASSERT_EQ(hp(store, a, work.path()).exit_code, 0) << fmt::format("{}", fmt::join(a, " "));
    }
    auto snapshot = hp(store, {"store", "snapshot"}, work.path());
    ASSERT_EQ(snapshot.exit_code, 0) << snapshot.err;
    write_text(work.path() / "snapshot.toml", snapshot.out);
    const Args fresh = store_args(server->url() + "/harmony-ports-copy");
    ASSERT_EQ(hp(fresh, {"store", "init"}, work.path()).exit_code, 0);
    auto imported = hp(fresh, {"store", "import", "snapshot.toml"}, work.path());
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    auto copy = hp(fresh, {"store", "snapshot"}, work.path());
    EXPECT_EQ(copy.out, snapshot.out);
    EXPECT_EQ(listed_ports(fresh, work.path()), listed_ports(store, work.path()));
}

TEST_F(StoreCli, InitIsIdempotentAndReplacesAHeldRegistryOnlyWithForce) {
    init_store();
    auto again = hp(store, {"store", "init"}, work.path());
    EXPECT_EQ(again.exit_code, 0) << again.err;
    ASSERT_EQ(hp(store, {"allocate", "ntfy"}, work.path()).exit_code, 0);
    ASSERT_EQ(harmony_ports({"init", "--empty", "--range", "24000-24999"}, seed.path()).exit_code,
              0);
    const auto from = registry_file(seed).string();
    auto refused = hp(store, {"store", "init", "--from", from}, work.path());
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_NE(refused.err.find("--force"), std::string::npos) << refused.err;
    EXPECT_TRUE(listed_ports(store, work.path()).contains("ntfy")) << "refused init changed it";
    auto forced = hp(store, {"store", "init", "--from", from, "--force"}, work.path());
    EXPECT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_EQ(hp(store, {"store", "snapshot"}, work.path()).out, read_text(from));
    EXPECT_TRUE(listed_ports(store, work.path()).empty());
}

TEST_F(StoreCli, WatchStreamsChangesAsJsonUntilInterrupted) {
    init_store();
    for (int signal : {SIGINT, SIGTERM}) {
        Args args = store;
        args.insert(args.end(), {"watch", "--json"});
        auto watcher = start_harmony_ports(args, work.path());
        std::this_thread::sleep_for(std::chrono::seconds(1));  // connected and watching
        const std::string name = fmt::format("watched-{}", signal);
        ASSERT_EQ(hp(store, {"allocate", name}, work.path()).exit_code, 0);
        ASSERT_EQ(hp(store, {"release", name}, work.path()).exit_code, 0);
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        ::kill(watcher.pid(), signal);
        auto r = watcher.finish();
        EXPECT_EQ(r.exit_code, 0) << "signal " << signal << ": " << r.err;
        std::set<std::string> kinds;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) {
            auto event = nlohmann::json::parse(line, nullptr, false);
            ASSERT_TRUE(event.is_object()) << "not one JSON object per line: " << line;
            if (event.value("name", "") == name) {
                kinds.insert(event.value("kind", ""));
            }
        }
        EXPECT_TRUE(kinds.contains("allocated") && kinds.contains("released")) << r.out;
    }
}

namespace {

// The C ABI (and so the Rust crate) reaches the store the environment names: a port it
// allocates is the one the CLI then lists, and its label is the redacted URL.
TEST_F(StoreCli, TheCAbiDiscoversTheStoreTheEnvironmentNames) {
    init_store();
    const std::string url = server->url();
    ::setenv("HARMONY_PORTS_STORE", url.c_str(), 1);
    hp_registry* registry = nullptr;
    hp_error* error = nullptr;
    const hp_status opened = hp_registry_discover(nullptr, 0, &registry, &error);
    ::unsetenv("HARMONY_PORTS_STORE");
    ASSERT_EQ(opened, HP_OK) << (error != nullptr ? hp_error_message(error) : "");
    EXPECT_EQ(std::string(hp_registry_label(registry)), url + "/harmony-ports");
    hp_allocate_options options = HP_ALLOCATE_OPTIONS_INIT;
    hp_port_range placed{};
    ASSERT_EQ(hp_registry_allocate(registry, "from-c", 6, &options, &placed, &error), HP_OK);
    hp_registry_free(registry);
    EXPECT_EQ(listed_ports(store, work.path()).at("from-c"), placed.first);
}

// harmony.toml's [harmony.network.store] url is the store every command in that tree uses.
TEST_F(StoreCli, HarmonyTomlNamesTheStoreForItsFolderAndBelow) {
    init_store();
    write_text(work.path() / "harmony.toml",
               "[harmony.network.store]\nurl = \"" + server->url() + "\"\n");
    fs::create_directories(work.path() / "below");
    auto placed = harmony_ports({"allocate", "via-toml"}, work.path() / "below");
    ASSERT_EQ(placed.exit_code, 0) << placed.err;
    EXPECT_EQ(std::to_string(listed_ports(store, work.path()).at("via-toml")) + "\n", placed.out);
}

}  // namespace
