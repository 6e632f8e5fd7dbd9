// Socket addresses as people read them ("0.0.0.0", "::1"), shared by both socket sources.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace harmony::host {

// Kernel socket states (include/net/tcp_states.h) that mark a port as held.
inline constexpr int k_state_established = 1;  // a connected UDP socket
inline constexpr int k_state_close = 7;        // an unconnected (bound) UDP socket
inline constexpr int k_state_listen = 10;      // a listening TCP socket
inline constexpr int k_state_syn_recv = 3;     // a half-open connection (no port of its own)
inline constexpr int k_state_time_wait = 6;    // a closed connection lingering
// TCP_BOUND_INACTIVE (Linux 6.7+, newer than Debian 12's headers): bound, never listened or
// connected. Older kernels ignore the bit and the /proc tables never show such sockets.
inline constexpr int k_state_bound_inactive = 13;
// Every TCP state whose socket keeps bind() from taking its local port.
inline constexpr std::uint32_t k_tcp_states_holding_port =
    (0x1FFEU & ~((1U << k_state_syn_recv) | (1U << k_state_time_wait))) |
    (1U << k_state_bound_inactive);

// Text form of an address given as the 4 or 16 raw bytes in network order.
// `family` is AF_INET (first 4 bytes used) or AF_INET6.
std::string format_address(int family, const std::array<std::uint8_t, 16>& bytes);

}  // namespace harmony::host
