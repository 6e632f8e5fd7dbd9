// Real nats-server processes for the fleet-store tests: one server or a three-node cluster on
// free loopback ports, JetStream on in temporary store folders, optionally with users, a token,
// TLS or operator-mode (.creds) authentication. Everything is removed when the object goes.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "cli/run_process.hpp"

namespace harmony::testing {

// The nats-server binary ($NATS_SERVER when set, else /usr/sbin, /usr/bin, /usr/local/bin,
// then PATH), or nullopt.
std::optional<std::filesystem::path> find_nats_server();

// In a TEST body: skip cleanly where nats-server is not installed.
#define SKIP_WITHOUT_NATS_SERVER()                                                    \
    do {                                                                              \
        if (!::harmony::testing::find_nats_server()) {                                \
            GTEST_SKIP() << "nats-server is not installed (scripts/install-deps.sh)"; \
        }                                                                             \
    } while (0)

// A loopback TCP port nothing listens on right now (bound to 0 and closed again).
int free_loopback_port();

// A loopback TCP port that refuses connections (for "unreachable" tests).
int closed_loopback_port();

// Connects to 127.0.0.1:port and reads the server's first line; "" when nothing answers.
std::string read_info_line(int port, int timeout_ms = 1000);

// Reads the greeting, sends `text`, and returns the server's next line ("" when none).
std::string nats_exchange(int port, const std::string& text, int timeout_ms = 2000);

// The bucket every store test uses (the CLI's default) and its JetStream stream.
inline constexpr const char* k_bucket = "harmony-ports";
inline constexpr const char* k_stream = "KV_harmony-ports";

struct NatsUser {
    std::string name;
    std::string password{};
    bool read_only = false;  // may read every KV bucket (get, keys, watch) but write none
};

struct NatsServerConfig {
    std::vector<NatsUser> users{};  // authorization { users = [...] }
    std::string token{};            // authorization { token }
    bool tls = false;               // certificates made with openssl: ca_file(), client_cert()
    bool verify_clients = false;    // tls { verify: true }: clients need client_cert()
    bool operator_mode = false;     // decentralized auth (make_creds.py): creds_file()
};

// Where a cluster node sits (set by NatsCluster).
struct ClusterNode {
    std::string server_name;
    int cluster_port = 0;
    int monitor_port = 0;
    std::vector<int> routes;
};

class NatsServer {
  public:
    // Starts the server and waits until it answers (throws std::runtime_error otherwise).
    explicit NatsServer(NatsServerConfig config = {});
    NatsServer(NatsServerConfig config, ClusterNode node, int port, std::filesystem::path dir);
    ~NatsServer();
    NatsServer(const NatsServer&) = delete;
    NatsServer& operator=(const NatsServer&) = delete;

    // "nats://127.0.0.1:PORT" ("tls://" with TLS), without credentials.
    [[nodiscard]] std::string url() const;
    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] bool running() const { return m_pid > 0; }
    [[nodiscard]] const std::filesystem::path& dir() const { return m_dir; }
    [[nodiscard]] std::filesystem::path ca_file() const { return m_dir / "ca.pem"; }
    [[nodiscard]] std::filesystem::path client_cert() const { return m_dir / "client.pem"; }
    [[nodiscard]] std::filesystem::path client_key() const { return m_dir / "client-key.pem"; }
    [[nodiscard]] std::filesystem::path creds_file() const { return m_dir / "user.creds"; }
    // What the server logged (for failure messages).
    [[nodiscard]] std::string log() const;

    void kill();     // SIGKILL: no chance to flush or say goodbye
    void stop();     // SIGTERM, SIGKILL after 5 s
    void restart();  // stop if running, start on the same port with the same store folder

  private:
    void write_config() const;
    bool start_once();
    void start();

    NatsServerConfig m_config;
    ClusterNode m_node;
    std::optional<TempDir> m_own_dir;
    std::filesystem::path m_dir;
    int m_port = 0;
    bool m_port_chosen = false;
    pid_t m_pid = -1;
};

// Three JetStream nodes n1..n3 with routes to each other on loopback.
class NatsCluster {
  public:
    NatsCluster();  // starts all three and waits for a JetStream meta leader
    ~NatsCluster();
    NatsCluster(const NatsCluster&) = delete;
    NatsCluster& operator=(const NatsCluster&) = delete;

    static constexpr int k_size = 3;
    // "nats://127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3"
    [[nodiscard]] std::string urls() const;
    NatsServer& node(int i) { return *m_nodes.at(static_cast<std::size_t>(i)); }
    void kill(int i) { node(i).kill(); }
    void restart(int i) { node(i).restart(); }

    // Waits (up to timeout) until a meta leader has every other running node as a current peer.
    bool wait_for_meta_leader(int timeout_ms = 20000);
    // The index of the node that leads `stream` as a running node sees it, or -1.
    int stream_leader(const std::string& stream = k_stream);

  private:
    std::string jsz(int i, const std::string& query);
    TempDir m_dir;
    std::vector<ClusterNode> m_layout;
    std::vector<std::unique_ptr<NatsServer>> m_nodes;
};

}  // namespace harmony::testing
