// Transport protocols an allocation covers: TCP, UDP or both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>

namespace harmony::network {

enum class Protocols : std::uint8_t { tcp = 1, udp = 2, tcp_udp = 3 };

[[nodiscard]] constexpr bool has_tcp(Protocols p) noexcept {
    return (static_cast<unsigned>(p) & 1U) != 0;
}
[[nodiscard]] constexpr bool has_udp(Protocols p) noexcept {
    return (static_cast<unsigned>(p) & 2U) != 0;
}
// True when the two sets share at least one protocol.
[[nodiscard]] constexpr bool shares_protocol(Protocols a, Protocols b) noexcept {
    return (static_cast<unsigned>(a) & static_cast<unsigned>(b)) != 0;
}

// Parses "tcp", "udp", "tcp+udp" (also "udp+tcp", "both"). Error: invalid_argument.
Expected<Protocols> parse_protocols(std::string_view text);

// "tcp", "udp" or "tcp+udp".
std::string_view to_string(Protocols p) noexcept;

// ["tcp"], ["udp"] or ["tcp","udp"]: the list form used in registry files and JSON.
std::vector<std::string> protocol_list(Protocols p);

}  // namespace harmony::network
