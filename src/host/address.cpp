#include "host/address.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

namespace harmony::host {

std::string format_address(int family, const std::array<std::uint8_t, 16>& bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    if (::inet_ntop(family, bytes.data(), text, sizeof text) == nullptr) {
        return "?";
    }
    return text;
}

}  // namespace harmony::host
