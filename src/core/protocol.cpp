#include <harmony/network/protocol.hpp>

#include <fmt/format.h>

namespace harmony::network {

Expected<Protocols> parse_protocols(std::string_view text) {
    if (text == "tcp") {
        return Protocols::tcp;
    }
    if (text == "udp") {
        return Protocols::udp;
    }
    if (text == "tcp+udp" || text == "udp+tcp" || text == "both") {
        return Protocols::tcp_udp;
    }
    return fail(ErrorCode::invalid_argument,
                fmt::format("invalid protocol '{}': expected tcp, udp or tcp+udp", text));
}

std::string_view to_string(Protocols p) noexcept {
    switch (p) {
        case Protocols::tcp:
            return "tcp";
        case Protocols::udp:
            return "udp";
        case Protocols::tcp_udp:
            return "tcp+udp";
    }
    return "tcp";
}

std::vector<std::string> protocol_list(Protocols p) {
    std::vector<std::string> out;
    if (has_tcp(p)) {
        out.emplace_back("tcp");
    }
    if (has_udp(p)) {
        out.emplace_back("udp");
    }
    return out;
}

}  // namespace harmony::network
