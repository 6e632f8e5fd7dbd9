// What the fleet-store end-to-end tests share: the CLI against a store URL, the allocations a
// registry lists, clients allocating in the background, and the "no secret printed" check.
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/nats_server.hpp"
#include "cli/run_process.hpp"

namespace harmony::testing {

using Args = std::vector<std::string>;

// The global options naming a store: {"--store", url, "--store-timeout", seconds}.
Args store_args(const std::string& url, int timeout_seconds = 5);

// harmony_ports(global + args).
ProcessResult hp(const Args& global, const Args& args, const std::filesystem::path& cwd,
                 std::map<std::string, std::string> env = {});

// name -> first port from `list --json`; a failing list fails the test and returns {}.
std::map<std::string, int> listed_ports(const Args& global, const std::filesystem::path& cwd);

// Runs every command at once (one thread each) and returns the results in order.
std::vector<ProcessResult> run_all_at_once(const std::vector<Args>& commands,
                                           const std::filesystem::path& cwd);

// Clients that allocate fresh names ("PREFIX-CLIENT-I") in a loop until stop(), each keeping
// the port of every allocation acknowledged with exit 0.
class AllocatingClients {
  public:
    AllocatingClients(Args global, std::filesystem::path cwd, std::string prefix, int clients);
    ~AllocatingClients() { stop(); }
    AllocatingClients(const AllocatingClients&) = delete;
    AllocatingClients& operator=(const AllocatingClients&) = delete;

    // Waits until at least `n` allocations have been acknowledged since construction.
    bool wait_for_acknowledged(std::size_t n, int timeout_ms = 60000);
    void stop();
    [[nodiscard]] std::map<std::string, int> acknowledged() const;
    [[nodiscard]] std::vector<ProcessResult> failures() const;

  private:
    Args m_global;
    std::filesystem::path m_cwd;
    std::atomic<bool> m_stop{false};
    mutable std::mutex m_mutex;
    std::map<std::string, int> m_acknowledged;
    std::vector<ProcessResult> m_failures;
    std::vector<std::thread> m_threads;
};

// Every acknowledged allocation is listed with its port, and no port is listed twice.
void expect_acknowledged_kept(const std::map<std::string, int>& acknowledged,
                              const std::map<std::string, int>& listed);

// Whether `text` contains `part`, ignoring ASCII case.
bool contains_ci(const std::string& text, const std::string& part);

// Fails when `secret` occurs in any output.
void expect_no_secret(const ProcessResult& r, const std::string& secret);

}  // namespace harmony::testing
