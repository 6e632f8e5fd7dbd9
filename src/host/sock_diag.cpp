#include "host/sock_diag.hpp"

#include <cerrno>
#include <cstring>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "host/address.hpp"

namespace harmony::host {
namespace {

// Appends the raw bytes of a trivially copyable value.
template <typename T>
void append(std::vector<std::uint8_t>& out, const T& value) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&value);
    out.insert(out.end(), p, p + sizeof value);
}

std::uint32_t wanted_states(Protocols protocol, bool any_state) {
    if (protocol == Protocols::tcp) {
        return any_state ? k_tcp_states_holding_port : (1U << k_state_listen);
    }
    // UDP has no LISTEN: a bound socket is CLOSE (unconnected) or ESTABLISHED (connected);
    // both hold their local port.
    return (1U << k_state_close) | (1U << k_state_established);
}

// Bytecode "sport >= first && sport <= last". A condition's `yes` jumps to the next op; its
// `no` jumps 4 bytes past the end, which the kernel reads as "reject" (len ends below 0).
std::vector<std::uint8_t> port_filter(const PortRange& ports) {
    // Two conditions, each an op plus an operand op.
    const auto total = static_cast<std::uint16_t>(sizeof(inet_diag_bc_op) * 4);
    std::vector<std::uint8_t> code;
    std::uint16_t offset = 0;
    for (auto [op_code, port] :
         {std::pair{INET_DIAG_BC_S_GE, ports.first}, std::pair{INET_DIAG_BC_S_LE, ports.last}}) {
        const std::uint16_t step = 2 * sizeof(inet_diag_bc_op);
        inet_diag_bc_op op{};
        op.code = static_cast<std::uint8_t>(op_code);
        op.yes = static_cast<std::uint8_t>(step);
        op.no = static_cast<std::uint16_t>(total - offset + 4);
        inet_diag_bc_op operand{};
        operand.no = port;  // the port operand travels in the second op's `no` field
        append(code, op);
        append(code, operand);
        offset = static_cast<std::uint16_t>(offset + step);
    }
    return code;
}

}  // namespace

std::vector<std::uint8_t> build_dump_request(const DumpRequest& request) {
    inet_diag_req_v2 req{};
    req.sdiag_family = static_cast<std::uint8_t>(request.family);
    req.sdiag_protocol = request.protocol == Protocols::tcp ? IPPROTO_TCP : IPPROTO_UDP;
    req.idiag_states = wanted_states(request.protocol, request.any_state);

    std::vector<std::uint8_t> attribute;
    if (request.ports) {
        std::vector<std::uint8_t> code = port_filter(*request.ports);
        nlattr attr{};
        attr.nla_type = INET_DIAG_REQ_BYTECODE;
        attr.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + code.size());
        append(attribute, attr);
        attribute.insert(attribute.end(), code.begin(), code.end());
        attribute.resize(NLA_ALIGN(attribute.size()), 0);
    }

    nlmsghdr header{};
    header.nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(sizeof req) + attribute.size());
    header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    header.nlmsg_seq = request.sequence;

    std::vector<std::uint8_t> out;
    out.reserve(header.nlmsg_len);
    append(out, header);
    out.resize(NLMSG_HDRLEN, 0);
    append(out, req);
    out.resize(NLMSG_LENGTH(sizeof req), 0);
    out.insert(out.end(), attribute.begin(), attribute.end());
    return out;
}

namespace {

// The errno an NLMSG_DONE payload carries: an aborted dump puts -errno there, a complete one
// 0 (or nothing, on old kernels).
Expected<int> done_status(const std::uint8_t* payload, std::size_t size, std::size_t at) {
    std::int32_t status = 0;
    if (size >= sizeof status) {
        std::memcpy(&status, payload, sizeof status);
    }
    if (status > 0 || status < -4095) {
        return fail(ErrorCode::parse_error,
                    fmt::format("netlink reply: end of dump at offset {} carries {}, not an errno",
                                at, status));
    }
    return -status;
}

// The errno of an NLMSG_ERROR payload (0: a plain acknowledgement).
Expected<int> error_status(const std::uint8_t* payload, std::size_t size, std::size_t at) {
    nlmsgerr err{};
    if (size < sizeof(err.error)) {
        return fail(ErrorCode::parse_error,
                    fmt::format("netlink reply: error message at offset {} is truncated", at));
    }
    std::memcpy(&err.error, payload, sizeof err.error);
    // The kernel sends -errno; anything else is not from the kernel, and negating INT_MIN
    // would be undefined.
    if (err.error > 0 || err.error < -4095) {
        return fail(ErrorCode::parse_error,
                    fmt::format("netlink reply: error message at offset {} carries {}, not an "
                                "errno",
                                at, err.error));
    }
    return -err.error;
}

// Appends the socket of a SOCK_DIAG_BY_FAMILY payload to `out` (none when its port is 0).
Expected<void> parse_socket_message(const std::uint8_t* payload, std::size_t size, std::size_t at,
                                    Protocols protocol, std::vector<Listener>& out) {
    inet_diag_msg msg;
    if (size < sizeof msg) {
        return fail(ErrorCode::parse_error,
                    fmt::format("netlink reply: socket message at offset {} has {} bytes, needs {}",
                                at, size, sizeof msg));
    }
    std::memcpy(&msg, payload, sizeof msg);
    if (msg.idiag_family != AF_INET && msg.idiag_family != AF_INET6) {
        return fail(ErrorCode::parse_error,
                    fmt::format("netlink reply: socket message at offset {} has address family {}",
                                at, msg.idiag_family));
    }
    const Port port = ntohs(msg.id.idiag_sport);
    if (port == 0) {
        return {};
    }
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), msg.id.idiag_src, bytes.size());
    Listener l;
    l.port = port;
    l.protocol = protocol;
    l.address = format_address(msg.idiag_family, bytes);
    l.inode = msg.idiag_inode;
    l.uid = msg.idiag_uid;
    out.push_back(std::move(l));
    return {};
}

}  // namespace

Expected<DumpBatch> parse_dump_batch(std::span<const std::uint8_t> data, Protocols protocol,
                                     std::uint32_t sequence, std::vector<Listener>& out) {
    DumpBatch batch;
    std::size_t at = 0;
    while (at < data.size()) {
        const std::size_t left = data.size() - at;
        if (left < sizeof(nlmsghdr)) {
            return fail(ErrorCode::parse_error,
                        fmt::format("netlink reply: {} stray bytes at offset {}", left, at));
        }
        nlmsghdr header;
        std::memcpy(&header, data.data() + at, sizeof header);
        if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > left) {
            return fail(ErrorCode::parse_error,
                        fmt::format("netlink reply: message at offset {} claims {} bytes, {} "
                                    "available",
                                    at, header.nlmsg_len, left));
        }
        const std::uint8_t* payload = data.data() + at + NLMSG_HDRLEN;
        const std::size_t payload_size =
            header.nlmsg_len >= NLMSG_HDRLEN ? header.nlmsg_len - NLMSG_HDRLEN : 0;
        if (header.nlmsg_seq != sequence) {
            at += NLMSG_ALIGN(header.nlmsg_len);  // not a reply to our request
            continue;
        }
        if (header.nlmsg_type == NLMSG_DONE || header.nlmsg_type == NLMSG_ERROR) {
            auto status = header.nlmsg_type == NLMSG_DONE ? done_status(payload, payload_size, at)
                                                          : error_status(payload, payload_size, at);
            if (!status) {
                return std::unexpected(status.error());
            }
            batch.error = *status;
            batch.done = true;
            return batch;
        }
        if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
            auto parsed = parse_socket_message(payload, payload_size, at, protocol, out);
            if (!parsed) {
                return std::unexpected(parsed.error());
            }
        }
        // Other types (NLMSG_NOOP, ...) carry nothing for us.
        at += NLMSG_ALIGN(header.nlmsg_len);
    }
    return batch;
}

Expected<DumpBatch> run_dump(int fd, const DumpRequest& request, std::vector<Listener>& out) {
    const std::vector<std::uint8_t> message = build_dump_request(request);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof kernel) < 0) {
        return DumpBatch{true, errno};
    }
    // Large enough for the kernel's biggest dump skb (32 KiB), so one recv is one batch.
    alignas(nlmsghdr) static thread_local std::uint8_t buffer[64 * 1024];
    while (true) {
        ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return DumpBatch{true, errno};
        }
        if (got == 0) {
            return fail(ErrorCode::io_error, "netlink: the kernel closed the dump early");
        }
        auto batch = parse_dump_batch({buffer, static_cast<std::size_t>(got)}, request.protocol,
                                      request.sequence, out);
        if (!batch || batch->done) {
            return batch;
        }
    }
}

}  // namespace harmony::host
