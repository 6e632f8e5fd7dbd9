// Many processes on one registry: no lost entries, no duplicated ports, no torn files.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

// name -> first port, from `list --json`; fails the test if the registry does not load.
std::map<std::string, int> registry_ports(const fs::path& dir) {
    auto r = harmony_ports({"list", "--json"}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, int> out;
    if (r.exit_code != 0) {
        return out;
    }
    const auto list = nlohmann::json::parse(r.out);  // named: the loop must not outlive it
    for (const auto& a : list["allocations"]) {
        out[a["name"].get<std::string>()] = a["first"].get<int>();
    }
    return out;
}

}  // namespace

TEST(Concurrency, SixteenProcessesAllocatingAtOnceLoseNothing) {
    TempDir dir;
    ASSERT_EQ(harmony_ports({"init", "--empty"}, dir.path()).exit_code, 0);
    constexpr int k_processes = 16;
    constexpr int k_names_each = 10;
    std::vector<std::thread> threads;
    std::vector<std::map<std::string, std::string>> printed(k_processes);
    for (int p = 0; p < k_processes; ++p) {
        threads.emplace_back([&, p] {
            for (int i = 0; i < k_names_each; ++i) {
                const std::string name = fmt::format("w{}-n{}", p, i);
                auto r = harmony_ports({"allocate", name}, dir.path());
                EXPECT_EQ(r.exit_code, 0) << r.err;
                printed[p][name] = r.out;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    auto ports = registry_ports(dir.path());
    EXPECT_EQ(ports.size(), static_cast<std::size_t>(k_processes * k_names_each));
    std::set<int> distinct;
    for (const auto& batch : printed) {
        for (const auto& [name, out] : batch) {
            ASSERT_TRUE(ports.contains(name)) << name << " was printed but is not in the registry";
            EXPECT_EQ(std::to_string(ports[name]) + "\n", out) << name;
            distinct.insert(ports[name]);
        }
    }
    EXPECT_EQ(distinct.size(), ports.size()) << "two names share a port";
}

TEST(Concurrency, SigkillAtRandomMomentsNeverCorruptsOrLosesPrintedPorts) {
    TempDir dir;
    ASSERT_EQ(harmony_ports({"init", "--empty"}, dir.path()).exit_code, 0);
    // Calibrate: kills must land before, during and after the write whatever the build (an
    // ASan build is many times slower), so draw delays up to 1.5x one uninterrupted allocate.
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(harmony_ports({"allocate", "calibration"}, dir.path()).exit_code, 0);
    auto one_us =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    std::mt19937 rng(20261126);
    std::uniform_int_distribution<long> delay_us(0, one_us * 3 / 2);
    std::map<std::string, std::string> printed;  // name -> what it printed before dying (if any)
    int killed = 0;
    for (int round = 0; round < 80; ++round) {
        const std::string name = fmt::format("k{}", round);
        int out_pipe[2];
        ASSERT_EQ(::pipe(out_pipe), 0);
        pid_t pid = ::fork();
        if (pid == 0) {
            ::dup2(out_pipe[1], 1);
            ::close(out_pipe[0]);
            ::chdir(dir.path().c_str());
            ::unsetenv("HARMONY_PORTS_REGISTRY");
            ::execl(HARMONY_PORTS_BIN, HARMONY_PORTS_BIN, "allocate", name.c_str(), nullptr);
            ::_exit(127);
        }
        ::close(out_pipe[1]);
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        killed += WIFSIGNALED(status) ? 1 : 0;
        std::string out;
        char buffer[64];
        ssize_t n = 0;
        while ((n = ::read(out_pipe[0], buffer, sizeof buffer)) > 0) {
            out.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(out_pipe[0]);
        if (!out.empty()) {
            printed[name] = out;
        }
        // After every kill the registry must still load.
        ASSERT_EQ(harmony_ports({"list", "--json"}, dir.path()).exit_code, 0) << "round " << round;
    }
    // The next writer clears what killed writers left behind.
    ASSERT_EQ(harmony_ports({"allocate", "after-the-storm"}, dir.path()).exit_code, 0);
    std::vector<std::string> leftovers;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        leftovers.push_back(entry.path().filename().string());
    }
    std::sort(leftovers.begin(), leftovers.end());
    EXPECT_EQ(leftovers, (std::vector<std::string>{"harmony.network.ports.toml", "harmony.toml"}));
    auto ports = registry_ports(dir.path());
    for (const auto& [name, out] : printed) {
        ASSERT_TRUE(ports.contains(name)) << name << " printed " << out << " but was lost";
        EXPECT_EQ(std::to_string(ports[name]) + "\n", out);
    }
    // The delays straddle the whole run, so both outcomes must have happened.
    EXPECT_GT(killed, 0);
    EXPECT_GT(printed.size(), 0U);
    RecordProperty("killed", killed);
    RecordProperty("completed", static_cast<int>(printed.size()));
}
