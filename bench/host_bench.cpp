// Micro-benchmarks of the live-host path without the kernel: parsing a netlink dump and a
// /proc/net table of 10,100 sockets, and judging them against a registry. The whole command
// against `ss` is timed by scripts/bench_scan.sh; see docs/PERFORMANCE.md.
#include <cstring>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <harmony/network/host_check.hpp>

#include "host/proc_net.hpp"
#include "host/sock_diag.hpp"

namespace {

using namespace harmony::network;

constexpr int k_outside = 10000;  // sockets outside 25000-25999, as in bench_scan.sh
constexpr int k_inside = 100;

Port port_of(int i) {
    return static_cast<Port>(i < k_inside ? 25100 + i : 30000 + (i - k_inside));
}

// One buffer holding all sockets, laid out as the kernel sends them.
std::vector<std::uint8_t> dump_buffer() {
    std::vector<std::uint8_t> out;
    for (int i = 0; i < k_outside + k_inside; ++i) {
        inet_diag_msg m{};
        m.idiag_family = AF_INET;
        m.idiag_state = 10;
        m.id.idiag_sport = htons(port_of(i));
        m.idiag_inode = static_cast<std::uint32_t>(100000 + i);
        nlmsghdr h{};
        h.nlmsg_len = NLMSG_LENGTH(sizeof m);
        h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        h.nlmsg_seq = 1;
        const std::size_t at = out.size();
        out.resize(at + NLMSG_SPACE(sizeof m), 0);
        std::memcpy(out.data() + at, &h, sizeof h);
        std::memcpy(out.data() + at + NLMSG_HDRLEN, &m, sizeof m);
    }
    return out;
}

std::string proc_table() {
    std::string out =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode\n";
    for (int i = 0; i < k_outside + k_inside; ++i) {
        out += fmt::format(
            "{:4}: 00000000:{:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     "
            "0        0 {} 1 0000000000000000 100 0 0 10 0\n",
            i, port_of(i), 100000 + i);
    }
    return out;
}

void BM_ParseNetlinkDump(benchmark::State& state) {
    const auto buffer = dump_buffer();
    for (auto _ : state) {
        std::vector<Listener> out;
        auto batch = harmony::host::parse_dump_batch(buffer, Protocols::tcp, 1, out);
        benchmark::DoNotOptimize(batch);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * (k_outside + k_inside));
}
BENCHMARK(BM_ParseNetlinkDump)->Unit(benchmark::kMicrosecond);

void BM_ParseProcNet(benchmark::State& state) {
    const auto text = proc_table();
    for (auto _ : state) {
        auto rows =
            harmony::host::parse_proc_net(text, "tcp", AF_INET, Protocols::tcp, std::nullopt);
        benchmark::DoNotOptimize(rows);
    }
    state.SetItemsProcessed(state.iterations() * (k_outside + k_inside));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseProcNet)->Unit(benchmark::kMicrosecond);

void BM_ScanRowsAllPorts(benchmark::State& state) {
    std::vector<Listener> listeners;
    const auto buffer = dump_buffer();
    (void)harmony::host::parse_dump_batch(buffer, Protocols::tcp, 1, listeners);
    const Registry registry = adr014_default_registry();
    for (auto _ : state) {
        auto rows = scan_rows(registry, listeners, std::nullopt);
        benchmark::DoNotOptimize(rows.data());
    }
    state.SetItemsProcessed(state.iterations() * (k_outside + k_inside));
}
BENCHMARK(BM_ScanRowsAllPorts)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
