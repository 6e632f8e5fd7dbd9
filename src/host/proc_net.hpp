// /proc/net/{tcp,tcp6,udp,udp6}: the fallback when netlink sock_diag is refused.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/host_scan.hpp>

namespace harmony::host {

using namespace harmony::network;

// Parses the text of one /proc/net table. `family` is AF_INET (tcp, udp) or AF_INET6 (tcp6,
// udp6). Keeps what the netlink dump asks for: TCP sockets in LISTEN (with `any_state`, every
// state that holds the port) and UDP sockets with a local port, inside `ports` when set.
// Error: parse_error "NAME:LINE:COL: what" for malformed rows.
Expected<std::vector<Listener>> parse_proc_net(std::string_view text, std::string_view name,
                                               int family, Protocols protocol,
                                               std::optional<PortRange> ports,
                                               bool any_state = false);

}  // namespace harmony::host
