// Real network namespaces and real sockets for integration tests (root only).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cli/run_process.hpp"

namespace harmony::testing {

// Absolute path of a system tool (ip, nft, sysctl...), found in the sbin/bin folders.
std::string tool(const char* name);

// A named network namespace with lo up, deleted when the object goes away.
class Netns {
  public:
    Netns();
    ~Netns();
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;
    const std::string& name() const { return m_name; }
    // `argv` run inside the namespace (`ip netns exec`).
    ProcessResult exec(std::vector<std::string> argv, const std::filesystem::path& cwd = "/") const;

  private:
    std::string m_name;
    bool m_ok = false;
};

// tests/cli/listen_helper holding sockets inside a namespace until this object goes away.
class Listeners {
  public:
    Listeners(const Netns& ns, const std::vector<std::string>& specs);
    ~Listeners();
    Listeners(const Listeners&) = delete;
    Listeners& operator=(const Listeners&) = delete;
    int pid() const { return m_pid; }

  private:
    int m_pid = -1;
    int m_stdin = -1;
};

// True when a TCP connection to address:port from inside `ns` is established within 1 s.
bool connects(const Netns& ns, const std::string& address, int port);

}  // namespace harmony::testing
