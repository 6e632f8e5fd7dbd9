// Test helper: holds real sockets open until its stdin closes.
//   listen_helper [--comm NAME] [--fork NAME] SPEC...
//   SPEC = KIND ":" PORT ["-" LAST] ["@" ADDRESS], KIND = tcp4|tcp6|udp4|udp6|bnd4
// Binds every SPEC, one socket per port (IPv6 sockets are v6-only; tcp sockets listen; bnd4
// is a TCP socket bound but not listening), prints "ready" and waits.
// --comm sets the process's command name, as a daemon's would be. --fork NAME also starts a
// child named NAME that inherits every socket (as a pre-fork server's workers do).
//   listen_helper --connect ADDRESS PORT
// Instead: one TCP connection attempt with a 1 s timeout; exit 0 if it connects, 1 if not.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// One socket of KIND on `port`, bound to SPEC's address (or the wildcard); -1 on failure.
int open_socket(const std::string& kind, int port, const std::string& spec) {
    const auto at = spec.find('@');
    const bool v6 = kind[3] == '6';
    const bool tcp = kind.rfind("tcp", 0) == 0 || kind == "bnd4";
    std::string address = at == std::string::npos ? (v6 ? "::" : "0.0.0.0") : spec.substr(at + 1);
    int fd = ::socket(v6 ? AF_INET6 : AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    if (fd < 0) {
        return -1;
    }
    int one = 1;
    if (v6) {
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(static_cast<std::uint16_t>(port));
        if (::inet_pton(AF_INET6, address.c_str(), &a.sin6_addr) != 1 ||
            ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            return -1;
        }
    } else {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        if (::inet_pton(AF_INET, address.c_str(), &a.sin_addr) != 1 ||
            ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            return -1;
        }
    }
    if (kind.rfind("tcp", 0) == 0 && ::listen(fd, 16) != 0) {
        return -1;
    }
    return fd;
}

}  // namespace

// Opens every port of SPEC; false (with errno) on the first failure.
bool open_spec(const std::string& spec) {
    if (spec.size() < 6 || spec[4] != ':') {
        errno = EINVAL;
        return false;
    }
    const std::string kind = spec.substr(0, 4);
    const std::string ports = spec.substr(
        5, spec.find('@') == std::string::npos ? std::string::npos : spec.find('@') - 5);
    const int first = std::stoi(ports);
    const auto dash = ports.find('-');
    const int last = dash == std::string::npos ? first : std::stoi(ports.substr(dash + 1));
    for (int port = first; port <= last; ++port) {
        if (open_socket(kind, port, spec) < 0) {
            return false;
        }
    }
    return true;
}

// Exit status 0 when a TCP connection to address:port is established within a second.
int try_connect(const char* address, const char* port_text) {
    const bool v6 = std::strchr(address, ':') != nullptr;
    int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_storage storage{};
    socklen_t len = 0;
    const auto port = htons(static_cast<std::uint16_t>(std::atoi(port_text)));
    if (v6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
        a->sin6_family = AF_INET6;
        a->sin6_port = port;
        ::inet_pton(AF_INET6, address, &a->sin6_addr);
        len = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&storage);
        a->sin_family = AF_INET;
        a->sin_port = port;
        ::inet_pton(AF_INET, address, &a->sin_addr);
        len = sizeof *a;
    }
    if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), len) == 0) {
        return 0;
    }
    if (errno != EINPROGRESS) {
        return 1;
    }
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 1000) != 1) {
        return 1;  // no answer: dropped
    }
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
    return error == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "--connect") == 0) {
        return try_connect(argv[2], argv[3]);
    }
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;  // room for blocks of a few thousand sockets
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    const char* child_name = nullptr;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--comm" && i + 1 < argc) {
            ::prctl(PR_SET_NAME, argv[++i], 0, 0, 0);
            continue;
        }
        if (arg == "--fork" && i + 1 < argc) {
            child_name = argv[++i];
            continue;
        }
        if (!open_spec(arg)) {
            std::fprintf(stderr, "listen_helper: %s: %s\n", arg.c_str(), std::strerror(errno));
            return 1;
        }
    }
    if (child_name != nullptr) {
        std::fflush(stdout);
        pid_t child = ::fork();
        if (child == 0) {
            ::prctl(PR_SET_NAME, child_name, 0, 0, 0);
            ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
            while (true) {
                ::pause();
            }
        }
        // Ready only once the child has its new name.
        std::string comm_path = "/proc/" + std::to_string(child) + "/comm";
        for (int tries = 0; tries < 1000; ++tries) {
            char name[32] = {};
            FILE* f = std::fopen(comm_path.c_str(), "r");
            if (f != nullptr) {
                std::fgets(name, sizeof name, f);
                std::fclose(f);
            }
            if (std::strncmp(name, child_name, std::strlen(child_name)) == 0) {
                break;
            }
            ::usleep(1000);
        }
    }
    std::printf("ready\n");
    std::fflush(stdout);
    char buf[64];
    while (::read(STDIN_FILENO, buf, sizeof buf) > 0) {
    }
    return 0;
}
