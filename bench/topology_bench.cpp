// `check --topology` cost as the fleet grows: parse + check of generated topologies of 100,
// 1,000 and 10,000 clusters (50 registry services and 2 local ports each) against a
// 900-service registry. Google Benchmark fits the growth (BigO); see docs/PERFORMANCE.md.
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <harmony/network/topology.hpp>

namespace {

using namespace harmony::network;

constexpr int k_services = 900;
constexpr int k_per_cluster = 50;

Registry registry() {
    Registry r;
    for (int i = 0; i < k_services; ++i) {
        Allocation a;
        a.name = fmt::format("svc-{}", i);
        a.ports = PortRange{static_cast<Port>(25000 + i), static_cast<Port>(25000 + i)};
        r.allocations.push_back(std::move(a));
    }
    return r;
}

std::string topology(int clusters) {
    std::string out;
    out.reserve(static_cast<std::size_t>(clusters) * 700);
    for (int c = 0; c < clusters; ++c) {
        out += fmt::format("[[cluster]]\nname = \"cluster-{}\"\nkind = \"k3s\"\nservices = [", c);
        for (int s = 0; s < k_per_cluster; ++s) {
            out += fmt::format("{}\"svc-{}\"", s == 0 ? "" : ", ", (c * 7 + s) % k_services);
        }
        out += fmt::format("]\n\n[cluster.ports]\nlegacy-{} = {}\nsyslog = 5514\n\n", c % 100,
                           8000 + c % 100);
    }
    return out;
}

void BM_CheckTopology(benchmark::State& state) {
    const Registry r = registry();
    const std::string text = topology(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto t = parse_topology(text, "bench.toml");
        auto findings = check_topology(r, *t, "bench.toml");
        benchmark::DoNotOptimize(findings.data());
    }
    state.SetComplexityN(state.range(0));
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
    state.counters["clusters"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_CheckTopology)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

void BM_CheckOnly(benchmark::State& state) {
    const Registry r = registry();
    const auto t = parse_topology(topology(static_cast<int>(state.range(0))), "bench.toml");
    for (auto _ : state) {
        auto findings = check_topology(r, *t, "bench.toml");
        benchmark::DoNotOptimize(findings.data());
    }
    state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_CheckOnly)
    ->Arg(100)
    ->Arg(1000)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

}  // namespace

BENCHMARK_MAIN();
