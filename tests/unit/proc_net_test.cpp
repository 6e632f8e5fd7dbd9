// The /proc/net fallback parser, on tables captured from a real namespace (see
// tests/data/proc_net/README.md for what was listening) and on broken input.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <harmony/network/registry_file.hpp>

#include "host/proc_net.hpp"

using namespace harmony::network;
using harmony::host::parse_proc_net;

namespace {

std::string captured(const char* name) {
    auto text = read_file(std::string(HARMONY_PORTS_TEST_DATA) + "/proc_net/" + name);
    EXPECT_TRUE(text) << name;
    return text ? *text : std::string{};
}

struct Seen {
    Port port;
    std::string address;
    std::uint32_t uid;
    friend bool operator==(const Seen&, const Seen&) = default;
};

std::vector<Seen> seen(const std::vector<Listener>& listeners) {
    std::vector<Seen> out;
    for (const auto& l : listeners) {
        out.push_back({l.port, l.address, l.uid});
    }
    return out;
}

}  // namespace

TEST(ProcNet, CapturedTcpKeepsListenersAndSkipsConnections) {
    auto rows = parse_proc_net(captured("tcp"), "tcp", AF_INET, Protocols::tcp, std::nullopt);
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(seen(*rows), (std::vector<Seen>{{25080, "0.0.0.0", 0},
                                              {25500, "0.0.0.0", 65534},
                                              {25300, "127.0.0.1", 0},
                                              {8080, "0.0.0.0", 0}}));
    EXPECT_EQ((*rows)[0].inode, 212684U);
    EXPECT_EQ((*rows)[0].protocol, Protocols::tcp);
    EXPECT_EQ((*rows)[0].pid, 0);  // owners come from /proc/*/fd, not from this table
}

TEST(ProcNet, CapturedTcp6DecodesAddressWords) {
    auto rows = parse_proc_net(captured("tcp6"), "tcp6", AF_INET6, Protocols::tcp, std::nullopt);
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(seen(*rows), (std::vector<Seen>{{25100, "::", 0}, {25301, "::1", 0}}));
}

TEST(ProcNet, CapturedUdpKeepsBoundAndConnectedSockets) {
    auto rows = parse_proc_net(captured("udp"), "udp", AF_INET, Protocols::udp, std::nullopt);
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(seen(*rows), (std::vector<Seen>{{25080, "0.0.0.0", 0}, {25400, "127.0.0.1", 0}}));
    auto v6 = parse_proc_net(captured("udp6"), "udp6", AF_INET6, Protocols::udp, std::nullopt);
    ASSERT_TRUE(v6) << v6.error().message;
    EXPECT_EQ(seen(*v6), (std::vector<Seen>{{25200, "::", 0}}));
}

TEST(ProcNet, PortFilterMatchesTheKernelFilter) {
    auto rows =
        parse_proc_net(captured("tcp"), "tcp", AF_INET, Protocols::tcp, PortRange{25000, 25499});
    ASSERT_TRUE(rows);
    EXPECT_EQ(seen(*rows), (std::vector<Seen>{{25080, "0.0.0.0", 0}, {25300, "127.0.0.1", 0}}));
}

TEST(ProcNet, BadRowsNameLineAndColumn) {
    const std::string header =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode\n";
    auto error_of = [&](const std::string& row) {
        auto r =
            parse_proc_net(header + row, "/proc/net/tcp", AF_INET, Protocols::tcp, std::nullopt);
        EXPECT_FALSE(r) << row;
        return r ? std::string{} : r.error().message;
    };
    EXPECT_EQ(error_of("   0: 00000000:61F8 00000000:0000 0A\n"),
              "/proc/net/tcp:2:1: expected at least 10 fields, found 4");
    EXPECT_EQ(error_of("   0: 0000000G:61F8 00000000:0000 0A 00000000:00000000 00:00000000 "
                       "00000000     0        0 212684 1\n"),
              "/proc/net/tcp:2:7: expected a local address as 8 hex digits:port");
    EXPECT_EQ(error_of("   0: 00000000:61F8 00000000:0000 XA 00000000:00000000 00:00000000 "
                       "00000000     0        0 212684 1\n"),
              "/proc/net/tcp:2:35: expected the socket state as 2 hex digits");
    EXPECT_EQ(error_of("   0: 00000000:61F8 00000000:0000 0A 00000000:00000000 00:00000000 "
                       "00000000     0        0 -1 1\n"),
              "/proc/net/tcp:2:92: expected an inode number");
    EXPECT_EQ(error_of("   0 00000000:61F8 00000000:0000 0A 00000000:00000000 00:00000000 "
                       "00000000     0        0 1 1\n"),
              "/proc/net/tcp:2:4: expected the slot number followed by ':'");
    auto v6 = parse_proc_net(header + "   0: 00000000:61F8 00000000:0000 0A 0 0 0 0 0 1\n", "tcp6",
                             AF_INET6, Protocols::tcp, std::nullopt);
    ASSERT_FALSE(v6);
    EXPECT_EQ(v6.error().message, "tcp6:2:7: expected a local address as 32 hex digits:port");
    EXPECT_EQ(v6.error().code, ErrorCode::parse_error);
}

TEST(ProcNet, EmptyAndHeaderOnlyTablesHaveNoRows) {
    for (const char* text : {"", "\n", "  sl  local_address\n"}) {
        auto r = parse_proc_net(text, "tcp", AF_INET, Protocols::tcp, std::nullopt);
        ASSERT_TRUE(r) << text;
        EXPECT_TRUE(r->empty());
    }
}
