#include <harmony/network/host_probe.hpp>

#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace harmony::network {
namespace {

// Tries to bind `port` on the wildcard address of `family`; true on EADDRINUSE.
bool bind_fails_in_use(int family, int type, Port port) {
    int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    int rc = 0;
    if (family == AF_INET6) {
        int only = 1;  // test v6 on its own; v4 gets its own bind
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, sizeof only);
        sockaddr_in6 addr{};
        addr.sin6_family = AF_INET6;
        addr.sin6_port = htons(port);
        addr.sin6_addr = in6addr_any;
        rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    } else {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_ANY);
        rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    }
    int err = errno;
    ::close(fd);
    return rc != 0 && err == EADDRINUSE;
}

}  // namespace

bool port_in_use(Port port, Protocols protocols) {
    for (int family : {AF_INET, AF_INET6}) {
        if (has_tcp(protocols) && bind_fails_in_use(family, SOCK_STREAM, port)) {
            return true;
        }
        if (has_udp(protocols) && bind_fails_in_use(family, SOCK_DGRAM, port)) {
            return true;
        }
    }
    return false;
}

}  // namespace harmony::network
