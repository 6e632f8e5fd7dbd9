// NETLINK_SOCK_DIAG: building inet_diag dump requests and parsing the kernel's replies.
// Split from the socket I/O so the parser can be unit-tested and fuzzed on plain bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/host_scan.hpp>

namespace harmony::host {

using namespace harmony::network;

// One dump: which address family and protocol, which local ports (all when unset).
struct DumpRequest {
    int family = 0;                       // AF_INET or AF_INET6
    Protocols protocol = Protocols::tcp;  // tcp: LISTEN sockets; udp: bound sockets
    std::optional<PortRange> ports;       // kernel filter on the local port
    std::uint32_t sequence = 1;
    bool any_state = false;  // TCP: every state that holds the port, not only LISTEN
};

// The bytes of a SOCK_DIAG_BY_FAMILY dump request: an inet_diag_req_v2 asking for the
// states above, plus INET_DIAG_REQ_BYTECODE "sport >= first && sport <= last" when `ports`.
std::vector<std::uint8_t> build_dump_request(const DumpRequest& request);

// What one received buffer held.
struct DumpBatch {
    bool done = false;  // NLMSG_DONE seen: the dump is complete
    int error = 0;      // errno from an NLMSG_ERROR reply (e.g. ENOENT: no udp_diag), else 0
};

// Parses one buffer returned by recv() on the netlink socket, appending a Listener for each
// inet_diag_msg of `protocol` (port 0, i.e. unbound, is skipped). Messages of another
// `sequence` (not replies to our request) are ignored. A dump the kernel aborted ends with
// NLMSG_DONE carrying -errno: reported in `error`. Error: parse_error for truncated or
// inconsistent messages, naming the byte offset.
Expected<DumpBatch> parse_dump_batch(std::span<const std::uint8_t> data, Protocols protocol,
                                     std::uint32_t sequence, std::vector<Listener>& out);

// Runs one dump on `fd` (a NETLINK_SOCK_DIAG socket) and appends what it finds. Returns the
// batch that ended it: error != 0 means the kernel refused this dump.
Expected<DumpBatch> run_dump(int fd, const DumpRequest& request, std::vector<Listener>& out);

}  // namespace harmony::host
