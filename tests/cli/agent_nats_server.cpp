#include "cli/agent_nats_server.hpp"

#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace harmony::testing {
namespace {

constexpr const char* k_nats_server = "/usr/sbin/nats-server";

sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// A loopback port nothing holds now (bound to 0, read back, closed).
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(0);
    socklen_t size = sizeof a;
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);
    ::close(fd);
    return ntohs(a.sin_port);
}

bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

MiniNatsServer::MiniNatsServer() {
    if (::access(k_nats_server, X_OK) != 0) {
        return;
    }
    m_port = free_port();
    const std::string port = std::to_string(m_port);
    const std::string store = (m_dir.path() / "js").string();
    m_pid = ::fork();
    if (m_pid == 0) {
        ::execl(k_nats_server, k_nats_server, "-js", "-a", "127.0.0.1", "-p", port.c_str(), "-sd",
                store.c_str(), "-l", (m_dir.path() / "log").c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    for (int i = 0; i < 100 && !accepts(m_port); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!accepts(m_port)) {
        stop();
    }
}

MiniNatsServer::~MiniNatsServer() {
    stop();
}

void MiniNatsServer::stop() {
    if (m_pid > 0) {
        ::kill(m_pid, SIGTERM);
        ::waitpid(m_pid, nullptr, 0);
        m_pid = -1;
    }
}

std::string MiniNatsServer::url() const {
    return "nats://127.0.0.1:" + std::to_string(m_port);
}

}  // namespace harmony::testing
