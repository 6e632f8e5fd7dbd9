// NETLINK_SOCK_DIAG: the request bytes, the reply parser, and a real dump from this kernel.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "host/sock_diag.hpp"

using namespace harmony::network;
using namespace harmony::host;

namespace {

template <typename T>
T read_at(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

// A reply message as the kernel lays it out.
std::vector<std::uint8_t> message(std::uint16_t type, const void* payload, std::size_t size) {
    nlmsghdr h{};
    h.nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(size));
    h.nlmsg_type = type;
    h.nlmsg_seq = 1;
    std::vector<std::uint8_t> out(NLMSG_SPACE(size), 0);
    std::memcpy(out.data(), &h, sizeof h);
    std::memcpy(out.data() + NLMSG_HDRLEN, payload, size);
    return out;
}

std::vector<std::uint8_t> socket_message(int family, Port port, const char* address,
                                         std::uint32_t inode) {
    inet_diag_msg m{};
    m.idiag_family = static_cast<std::uint8_t>(family);
    m.idiag_state = 10;
    m.id.idiag_sport = htons(port);
    inet_pton(family, address, m.id.idiag_src);
    m.idiag_inode = inode;
    m.idiag_uid = 1000;
    return message(SOCK_DIAG_BY_FAMILY, &m, sizeof m);
}

std::vector<std::uint8_t> concat(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

}  // namespace

TEST(SockDiag, RequestAsksForListenersInThePortRange) {
    auto bytes = build_dump_request({AF_INET6, Protocols::tcp, PortRange{25000, 25999}, 7});
    auto h = read_at<nlmsghdr>(bytes, 0);
    EXPECT_EQ(h.nlmsg_len, bytes.size());
    EXPECT_EQ(h.nlmsg_type, SOCK_DIAG_BY_FAMILY);
    EXPECT_EQ(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(h.nlmsg_seq, 7U);
    auto req = read_at<inet_diag_req_v2>(bytes, NLMSG_HDRLEN);
    EXPECT_EQ(req.sdiag_family, AF_INET6);
    EXPECT_EQ(req.sdiag_protocol, IPPROTO_TCP);
    EXPECT_EQ(req.idiag_states, 1U << 10);  // TCP_LISTEN only
    const std::size_t attr_at = NLMSG_LENGTH(sizeof req);
    auto attr = read_at<nlattr>(bytes, attr_at);
    EXPECT_EQ(attr.nla_type, INET_DIAG_REQ_BYTECODE);
    EXPECT_EQ(attr.nla_len, NLA_HDRLEN + 16);
    // sport >= 25000 (yes: next op, no: reject) && sport <= 25999.
    auto ge = read_at<inet_diag_bc_op>(bytes, attr_at + NLA_HDRLEN);
    auto ge_port = read_at<inet_diag_bc_op>(bytes, attr_at + NLA_HDRLEN + 4);
    auto le = read_at<inet_diag_bc_op>(bytes, attr_at + NLA_HDRLEN + 8);
    auto le_port = read_at<inet_diag_bc_op>(bytes, attr_at + NLA_HDRLEN + 12);
    EXPECT_EQ(ge.code, INET_DIAG_BC_S_GE);
    EXPECT_EQ(ge.yes, 8);
    EXPECT_EQ(ge.no, 20);
    EXPECT_EQ(ge_port.no, 25000);
    EXPECT_EQ(le.code, INET_DIAG_BC_S_LE);
    EXPECT_EQ(le.yes, 8);
    EXPECT_EQ(le.no, 12);
    EXPECT_EQ(le_port.no, 25999);
}

TEST(SockDiag, UdpRequestAsksForBoundSocketsWithoutFilterWhenAllPorts) {
    auto bytes = build_dump_request({AF_INET, Protocols::udp, std::nullopt, 1});
    auto req = read_at<inet_diag_req_v2>(bytes, NLMSG_HDRLEN);
    EXPECT_EQ(req.sdiag_protocol, IPPROTO_UDP);
    EXPECT_EQ(req.idiag_states, (1U << 7) | (1U << 1));  // CLOSE (unconnected), ESTABLISHED
    EXPECT_EQ(bytes.size(), NLMSG_LENGTH(sizeof req));   // no bytecode attribute
}

TEST(SockDiag, ParsesSocketsUntilDone) {
    nlmsghdr done_payload{};
    auto data = concat({socket_message(AF_INET, 25080, "127.0.0.1", 11),
                        socket_message(AF_INET6, 25443, "::1", 12),
                        socket_message(AF_INET, 0, "0.0.0.0", 13),  // unbound: skipped
                        message(NLMSG_DONE, &done_payload, 4)});
    std::vector<Listener> out;
    auto batch = parse_dump_batch(data, Protocols::udp, 1, out);
    ASSERT_TRUE(batch) << batch.error().message;
    EXPECT_TRUE(batch->done);
    EXPECT_EQ(batch->error, 0);
    ASSERT_EQ(out.size(), 2U);
    EXPECT_EQ(out[0].port, 25080);
    EXPECT_EQ(out[0].address, "127.0.0.1");
    EXPECT_EQ(out[0].inode, 11U);
    EXPECT_EQ(out[0].uid, 1000U);
    EXPECT_EQ(out[0].protocol, Protocols::udp);
    EXPECT_EQ(out[1].address, "::1");
}

TEST(SockDiag, RepliesToOtherRequestsAreIgnored) {
    auto stray = socket_message(AF_INET, 25080, "127.0.0.1", 11);
    stray[8] = 9;  // nlmsg_seq 9: not our request
    nlmsghdr done_payload{};
    auto data = concat({stray, socket_message(AF_INET, 25081, "127.0.0.1", 12),
                        message(NLMSG_DONE, &done_payload, 4)});
    std::vector<Listener> out;
    auto batch = parse_dump_batch(data, Protocols::tcp, 1, out);
    ASSERT_TRUE(batch);
    EXPECT_TRUE(batch->done);
    ASSERT_EQ(out.size(), 1U);
    EXPECT_EQ(out[0].port, 25081);
}

// The kernel ends a dump it had to abort (e.g. a socket table changing under it) with
// NLMSG_DONE carrying -errno: that is an error, not a complete list.
TEST(SockDiag, AbortedDumpIsAnError) {
    std::int32_t status = -ENOBUFS;
    std::vector<Listener> out;
    auto batch =
        parse_dump_batch(message(NLMSG_DONE, &status, sizeof status), Protocols::tcp, 1, out);
    ASSERT_TRUE(batch);
    EXPECT_TRUE(batch->done);
    EXPECT_EQ(batch->error, ENOBUFS);
}

TEST(SockDiag, ProbeRequestAsksForEveryTcpStateThatHoldsAPort) {
    DumpRequest probe{AF_INET, Protocols::tcp, PortRange{25000, 25999}, 1, true};
    auto req = read_at<inet_diag_req_v2>(build_dump_request(probe), NLMSG_HDRLEN);
    // ESTABLISHED..CLOSING except SYN_RECV (3) and TIME_WAIT (6), plus BOUND_INACTIVE (13).
    EXPECT_EQ(req.idiag_states, (0x1FFEU & ~((1U << 3) | (1U << 6))) | (1U << 13));
}

TEST(SockDiag, PartialBatchIsNotDone) {
    std::vector<Listener> out;
    auto batch = parse_dump_batch(socket_message(AF_INET, 1, "0.0.0.0", 1), Protocols::tcp, 1, out);
    ASSERT_TRUE(batch);
    EXPECT_FALSE(batch->done);
    EXPECT_EQ(out.size(), 1U);
}

TEST(SockDiag, KernelErrorIsReportedAsErrno) {
    nlmsgerr err{};
    err.error = -ENOENT;
    std::vector<Listener> out;
    auto batch = parse_dump_batch(message(NLMSG_ERROR, &err, sizeof err), Protocols::udp, 1, out);
    ASSERT_TRUE(batch);
    EXPECT_TRUE(batch->done);
    EXPECT_EQ(batch->error, ENOENT);
}

// Found by sock_diag_fuzz: an error of INT_MIN was negated (undefined behaviour).
TEST(SockDiag, ErrorValuesThatAreNoErrnoAreRefused) {
    for (int value : {std::numeric_limits<int>::min(), -4096, 5}) {
        nlmsgerr err{};
        err.error = value;
        std::vector<Listener> out;
        auto batch =
            parse_dump_batch(message(NLMSG_ERROR, &err, sizeof err), Protocols::tcp, 1, out);
        ASSERT_FALSE(batch) << value;
        EXPECT_EQ(batch.error().message, "netlink reply: error message at offset 0 carries " +
                                             std::to_string(value) + ", not an errno");
    }
}

TEST(SockDiag, TruncatedOrInconsistentRepliesAreErrorsNotCrashes) {
    auto good = socket_message(AF_INET, 25080, "127.0.0.1", 11);
    std::vector<Listener> out;
    auto cut = parse_dump_batch({good.data(), 10}, Protocols::tcp, 1, out);
    ASSERT_FALSE(cut);
    EXPECT_EQ(cut.error().message, "netlink reply: 10 stray bytes at offset 0");

    auto longer = good;
    longer[0] = 0xff;  // nlmsg_len beyond the buffer
    auto over = parse_dump_batch(longer, Protocols::tcp, 1, out);
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, ErrorCode::parse_error);

    auto family = good;
    family[NLMSG_HDRLEN] = 99;
    auto bad_family = parse_dump_batch(family, Protocols::tcp, 1, out);
    ASSERT_FALSE(bad_family);
    EXPECT_EQ(bad_family.error().message,
              "netlink reply: socket message at offset 0 has address family 99");

    std::uint8_t small[4] = {};
    auto short_msg =
        parse_dump_batch(message(SOCK_DIAG_BY_FAMILY, small, 4), Protocols::tcp, 1, out);
    ASSERT_FALSE(short_msg);
    EXPECT_EQ(out.size(), 0U);
}

// The real kernel: a listener inside the requested range is found, one outside is filtered
// out by the bytecode before it reaches us.
TEST(SockDiag, RealDumpFiltersByPortInTheKernel) {
    auto listen_on_any_port = [] {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
        EXPECT_EQ(::listen(fd, 1), 0);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        return std::pair{fd, static_cast<Port>(ntohs(a.sin_port))};
    };
    auto [fd1, port1] = listen_on_any_port();
    auto [fd2, port2] = listen_on_any_port();
    int nl = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    ASSERT_GE(nl, 0);
    std::vector<Listener> found;
    auto batch = run_dump(nl, {AF_INET, Protocols::tcp, PortRange{port1, port1}, 1}, found);
    ASSERT_TRUE(batch) << batch.error().message;
    EXPECT_EQ(batch->error, 0);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].port, port1);
    EXPECT_EQ(found[0].address, "127.0.0.1");
    EXPECT_NE(found[0].inode, 0U);
    found.clear();
    ASSERT_TRUE(run_dump(nl, {AF_INET, Protocols::tcp, std::nullopt, 2}, found));
    bool saw1 = false, saw2 = false;
    for (const auto& l : found) {
        saw1 = saw1 || l.port == port1;
        saw2 = saw2 || l.port == port2;
    }
    EXPECT_TRUE(saw1 && saw2);
    ::close(nl);
    ::close(fd1);
    ::close(fd2);
}

// A buffer captured from a real kernel dump (fuzz/corpus/sock_diag_fuzz/captured_v4_tcp_0, made
// by scripts/capture_sock_diag.py while 25080/tcp on 0.0.0.0 and 8080/tcp on 127.0.0.1
// listened); its first byte is the fuzz target's protocol selector.
TEST(SockDiag, ParsesACapturedKernelReply) {
    std::ifstream in(std::string(HARMONY_PORTS_FUZZ_CORPUS) + "/sock_diag_fuzz/captured_v4_tcp_0",
                     std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 1U);
    std::vector<Listener> out;
    auto batch = parse_dump_batch({bytes.data() + 1, bytes.size() - 1}, Protocols::tcp, 1, out);
    ASSERT_TRUE(batch) << batch.error().message;
    ASSERT_EQ(out.size(), 2U);
    std::set<std::pair<Port, std::string>> got;
    for (const auto& l : out) {
        got.emplace(l.port, l.address);
        EXPECT_NE(l.inode, 0U);
    }
    EXPECT_EQ(got,
              (std::set<std::pair<Port, std::string>>{{25080, "0.0.0.0"}, {8080, "127.0.0.1"}}));
}
