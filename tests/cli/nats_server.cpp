#include "cli/nats_server.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

namespace harmony::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// A TCP socket connected to 127.0.0.1:port, or -1.
int connect_loopback(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Reads until `done(text)` or EOF or the deadline.
template <typename Done>
std::string read_until(int fd, int timeout_ms, Done done) {
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char buffer[4096];
    while (!done(text)) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd pfd{fd, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
            break;
        }
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

// Runs a helper program (openssl, python3) and throws with its stderr when it fails.
void must_run(const std::vector<std::string>& argv, const fs::path& cwd) {
    auto r = run_process(argv, cwd);
    if (r.exit_code != 0) {
        throw std::runtime_error(argv[0] + " failed: " + r.err);
    }
}

// A CA, a server certificate for 127.0.0.1 and localhost, and a client certificate (ECDSA P-256,
// valid one day) in `dir`.
void make_certificates(const fs::path& dir) {
    const std::string openssl = "/usr/bin/openssl";
    const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt",
                                         "ec_paramgen_curve:prime256v1", "-nodes"};
    auto req = [&](std::vector<std::string> args) {
        std::vector<std::string> argv{openssl, "req"};
        argv.insert(argv.end(), ec.begin(), ec.end());
        argv.insert(argv.end(), args.begin(), args.end());
        must_run(argv, dir);
    };
    req({"-x509", "-days", "1", "-subj", "/CN=harmony-test-ca", "-keyout", "ca-key.pem", "-out",
         "ca.pem"});
    for (const std::string who : {"server", "client"}) {
        write_text(dir / (who + ".ext"), who == "server"
                                             ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                               "extendedKeyUsage=serverAuth\n"
                                             : "extendedKeyUsage=clientAuth\n");
        req({"-subj", "/CN=harmony-test-" + who, "-keyout", who + "-key.pem", "-out",
             who + ".csr"});
        must_run(
            {openssl, "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
             "-CAcreateserial", "-days", "1", "-extfile", who + ".ext", "-out", who + ".pem"},
            dir);
    }
}

// authorization { ... } for users and/or a token.
std::string authorization_block(const NatsServerConfig& config) {
    if (config.users.empty() && config.token.empty()) {
        return "";
    }
    std::ostringstream out;
    out << "authorization {\n";
    if (!config.token.empty()) {
        out << "  token: \"" << config.token << "\"\n";
    }
    if (!config.users.empty()) {
        out << "  users = [\n";
        for (const auto& u : config.users) {
            out << "    { user: \"" << u.name << "\", password: \"" << u.password << "\"";
            if (u.read_only) {
                // What libnats' KV reads need (bind: STREAM.INFO; get: DIRECT.GET or
                // STREAM.MSG.GET; keys and watch: an ordered push consumer, found through
                // STREAM.NAMES, with flow control on $JS.FC; a pull consumer's MSG.NEXT and
                // acks) and nothing that writes a bucket: no $KV.> publish, no stream
                // create/update/delete/purge, no message delete.
                out << ", permissions: {\n"
                       "        publish: { allow: [\"$JS.API.INFO\", \"$JS.API.STREAM.NAMES\",\n"
                       "          \"$JS.API.STREAM.INFO.*\", \"$JS.API.STREAM.MSG.GET.*\",\n"
                       "          \"$JS.API.DIRECT.GET.>\", \"$JS.API.CONSUMER.CREATE.>\",\n"
                       "          \"$JS.API.CONSUMER.INFO.>\", \"$JS.API.CONSUMER.DELETE.>\",\n"
                       "          \"$JS.API.CONSUMER.MSG.NEXT.>\", \"$JS.ACK.>\", \"$JS.FC.>\"] }\n"
                       "        subscribe: { allow: [\"_INBOX.>\"] } }";
            }
            out << " }\n";
        }
        out << "  ]\n";
    }
    out << "}\n";
    return out.str();
}

}  // namespace

std::optional<fs::path> find_nats_server() {
    if (const char* env = std::getenv("NATS_SERVER"); env != nullptr && *env != '\0') {
        return ::access(env, X_OK) == 0 ? std::optional<fs::path>(env) : std::nullopt;
    }
    for (const char* dir : {"/usr/sbin", "/usr/bin", "/usr/local/bin"}) {
        fs::path p = fs::path(dir) / "nats-server";
        if (::access(p.c_str(), X_OK) == 0) {
            return p;
        }
    }
    if (const char* path = std::getenv("PATH")) {
        std::istringstream dirs(path);
        std::string dir;
        while (std::getline(dirs, dir, ':')) {
            fs::path p = fs::path(dir) / "nats-server";
            if (!dir.empty() && ::access(p.c_str(), X_OK) == 0) {
                return p;
            }
        }
    }
    return std::nullopt;
}

int free_loopback_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind a loopback port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

int closed_loopback_port() {
    for (;;) {
        int port = free_loopback_port();
        int fd = connect_loopback(port);
        if (fd < 0) {
            return port;
        }
        ::close(fd);
    }
}

std::string read_info_line(int port, int timeout_ms) {
    int fd = connect_loopback(port);
    if (fd < 0) {
        return "";
    }
    auto text =
        read_until(fd, timeout_ms, [](const std::string& t) { return t.find("\r\n") != t.npos; });
    ::close(fd);
    return text.substr(0, text.find("\r\n"));
}

std::string nats_exchange(int port, const std::string& text, int timeout_ms) {
    int fd = connect_loopback(port);
    if (fd < 0) {
        return "";
    }
    auto line_count = [](std::size_t lines) {
        return [lines](const std::string& t) {
            return static_cast<std::size_t>(std::count(t.begin(), t.end(), '\n')) >= lines;
        };
    };
    read_until(fd, timeout_ms, line_count(1));  // the INFO greeting
    std::string reply;
    if (::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())) {
        reply = read_until(fd, timeout_ms, line_count(1));
    }
    ::close(fd);
    return reply.substr(0, reply.find("\r\n"));
}

NatsServer::NatsServer(NatsServerConfig config) : m_config(std::move(config)) {
    m_own_dir.emplace();
    m_dir = m_own_dir->path();
    start();
}

NatsServer::NatsServer(NatsServerConfig config, ClusterNode node, int port, fs::path dir)
    : m_config(std::move(config)),
      m_node(std::move(node)),
      m_dir(std::move(dir)),
      m_port(port),
      m_port_chosen(true) {
    fs::create_directories(m_dir);
    start();
}

NatsServer::~NatsServer() {
    stop();
}

std::string NatsServer::url() const {
    return (m_config.tls ? "tls://127.0.0.1:" : "nats://127.0.0.1:") + std::to_string(m_port);
}

std::string NatsServer::log() const {
    return read_text(m_dir / "server.log");
}

void NatsServer::write_config() const {
    std::ostringstream conf;
    if (!m_node.server_name.empty()) {
        conf << "server_name: " << m_node.server_name << "\n";
    }
    conf << "listen: 127.0.0.1:" << m_port << "\n"
         << "jetstream { store_dir: \"" << (m_dir / "js").string() << "\" }\n";
    if (m_node.monitor_port != 0) {
        conf << "http: 127.0.0.1:" << m_node.monitor_port << "\n";
    }
    if (m_node.cluster_port != 0) {
        conf << "cluster {\n  name: harmony-test\n  listen: 127.0.0.1:" << m_node.cluster_port
             << "\n  routes: [";
        for (std::size_t i = 0; i < m_node.routes.size(); ++i) {
            conf << (i == 0 ? " " : ", ") << "nats-route://127.0.0.1:" << m_node.routes[i];
        }
        conf << " ]\n}\n";
    }
    conf << authorization_block(m_config);
    if (m_config.tls) {
        conf << "tls {\n  cert_file: \"" << (m_dir / "server.pem").string() << "\"\n"
             << "  key_file: \"" << (m_dir / "server-key.pem").string() << "\"\n"
             << "  ca_file: \"" << ca_file().string() << "\"\n"
             << "  verify: " << (m_config.verify_clients ? "true" : "false") << "\n}\n";
    }
    if (m_config.operator_mode) {
        conf << "include auth.conf\n";
    }
    write_text(m_dir / "server.conf", conf.str());
}

bool NatsServer::start_once() {
    write_config();
    const auto binary = find_nats_server();
    if (!binary) {
        throw std::runtime_error("nats-server is not installed");
    }
    const fs::path conf = m_dir / "server.conf";
    const fs::path log_path = m_dir / "server.log";
    pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
        int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        int null_fd = ::open("/dev/null", O_RDONLY);
        ::dup2(null_fd, 0);
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
        ::execl(binary->c_str(), binary->c_str(), "-c", conf.c_str(), nullptr);
        ::_exit(127);
    }
    m_pid = pid;
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            m_pid = -1;
            return false;  // exited: typically the port was taken meanwhile
        }
        if (read_info_line(m_port, 200).starts_with("INFO ")) {
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    kill();
    return false;
}

void NatsServer::start() {
    if (m_config.tls && !fs::exists(ca_file())) {
        make_certificates(m_dir);
    }
    if (m_config.operator_mode && !fs::exists(m_dir / "auth.conf")) {
        must_run({"/bin/sh", "-c", "exec python3 \"$0\" \"$1\"", HARMONY_PORTS_MAKE_CREDS,
                  m_dir.string()},
                 m_dir);
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (!m_port_chosen) {
            m_port = free_loopback_port();
        }
        if (start_once()) {
            return;
        }
        std::this_thread::sleep_for(100ms);
    }
    throw std::runtime_error("nats-server did not start; its log:\n" + log());
}

void NatsServer::kill() {
    if (m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
        m_pid = -1;
    }
}

void NatsServer::stop() {
    if (m_pid <= 0) {
        return;
    }
    ::kill(m_pid, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
            m_pid = -1;
            return;
        }
        std::this_thread::sleep_for(10ms);
    }
    kill();
}

void NatsServer::restart() {
    stop();
    m_port_chosen = true;
    start();
}

NatsCluster::NatsCluster() {
    std::set<int> ports;
    while (ports.size() < 3 * k_size) {
        ports.insert(free_loopback_port());
    }
    std::vector<int> p(ports.begin(), ports.end());
    std::vector<int> routes{p[3], p[4], p[5]};
    for (int i = 0; i < k_size; ++i) {
        std::string name = "n";
        name.append(std::to_string(i + 1));  // not "n" + ...: GCC 12 -O3 -Wrestrict
        m_layout.push_back({std::move(name), p[3 + i], p[6 + i], routes});
    }
    for (int i = 0; i < k_size; ++i) {
        m_nodes.push_back(std::make_unique<NatsServer>(NatsServerConfig{}, m_layout[i], p[i],
                                                       m_dir.path() / m_layout[i].server_name));
    }
    if (!wait_for_meta_leader()) {
        // Appended piecewise: GCC 12 at -O3 warns (-Wrestrict) on "literal" + string.
        std::string message = "the cluster elected no JetStream meta leader; n1's log:\n";
        message.append(node(0).log());
        throw std::runtime_error(message);
    }
}

NatsCluster::~NatsCluster() {
    for (auto& n : m_nodes) {
        n->stop();
    }
}

std::string NatsCluster::urls() const {
    std::string out = "nats://";
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        out.append(i == 0 ? "" : ",")
            .append("127.0.0.1:")
            .append(std::to_string(m_nodes[i]->port()));
    }
    return out;
}

std::string NatsCluster::jsz(int i, const std::string& query) {
    int fd = connect_loopback(m_layout.at(static_cast<std::size_t>(i)).monitor_port);
    if (fd < 0) {
        return "";
    }
    const std::string request = "GET /jsz" + query + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
        ::close(fd);
        return "";
    }
    auto reply = read_until(fd, 2000, [](const std::string&) { return false; });
    ::close(fd);
    auto body = reply.find("\r\n\r\n");
    return body == reply.npos ? "" : reply.substr(body + 4);
}

bool NatsCluster::wait_for_meta_leader(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        int running = 0;
        for (int i = 0; i < k_size; ++i) {
            running += node(i).running() ? 1 : 0;
        }
        for (int i = 0; i < k_size; ++i) {
            if (!node(i).running()) {
                continue;
            }
            // Ready when this node leads the meta group and every other running node is a
            // current peer: before that, an R3 stream finds "no suitable peers for placement".
            auto doc = nlohmann::json::parse(jsz(i, ""), nullptr, false);
            if (!doc.is_object() || !doc.contains("meta_cluster")) {
                continue;
            }
            const auto& meta = doc["meta_cluster"];
            if (meta.value("leader", "") != m_layout[static_cast<std::size_t>(i)].server_name) {
                continue;
            }
            int current = 0;
            for (const auto& peer : meta.value("replicas", nlohmann::json::array())) {
                current += peer.value("current", false) ? 1 : 0;
            }
            if (current >= running - 1) {
                return true;
            }
        }
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

int NatsCluster::stream_leader(const std::string& stream) {
    for (int i = 0; i < k_size; ++i) {
        if (!node(i).running()) {
            continue;
        }
        auto doc = nlohmann::json::parse(jsz(i, "?accounts=true&streams=true"), nullptr, false);
        if (!doc.is_object()) {
            continue;
        }
        for (const auto& account : doc.value("account_details", nlohmann::json::array())) {
            for (const auto& s : account.value("stream_detail", nlohmann::json::array())) {
                if (s.value("name", "") != stream) {
                    continue;
                }
                auto leader = s.value("cluster", nlohmann::json::object()).value("leader", "");
                for (int j = 0; j < k_size; ++j) {
                    if (m_layout[static_cast<std::size_t>(j)].server_name == leader) {
                        return j;
                    }
                }
            }
        }
    }
    return -1;
}

}  // namespace harmony::testing
