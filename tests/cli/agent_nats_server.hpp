// A minimal nats-server (JetStream on, loopback, temporary store folder) for the agent tests
// only, until the fleet tests' launcher (cli/nats_server.hpp, NatsServer) is on main: replace
// MiniNatsServer with it then, and remove this file.
#pragma once

#include <string>

#include "cli/run_process.hpp"

namespace harmony::testing {

class MiniNatsServer {
  public:
    // Starts /usr/sbin/nats-server on a free loopback port and waits until it accepts
    // connections; running() is false when it is not installed or did not come up.
    MiniNatsServer();
    ~MiniNatsServer();
    MiniNatsServer(const MiniNatsServer&) = delete;
    MiniNatsServer& operator=(const MiniNatsServer&) = delete;
    [[nodiscard]] bool running() const { return m_pid > 0; }
    // "nats://127.0.0.1:PORT".
    [[nodiscard]] std::string url() const;

  private:
    void stop();
    TempDir m_dir;
    int m_port = 0;
    int m_pid = -1;
};

}  // namespace harmony::testing
