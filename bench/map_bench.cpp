// The cost of seeing the block: build_port_map, the terminal map, the JSON model, the HTML page
// and the Prometheus metrics, for the 1,000-port ADR-014 range with 900 services and for the
// whole port space (65,535 ports, aggregated). See docs/PERFORMANCE.md ("Seeing the block").
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <harmony/network/metrics.hpp>
#include <harmony/network/port_map.hpp>

namespace {

using namespace harmony::network;

// 900 services, ten pools of ten ports, 50 ports in quarantine and 200 live holders.
Registry registry() {
    Registry r;
    for (int p = 0; p < 10; ++p) {
        const auto first = static_cast<Port>(25900 + p * 10);
        r.pools.push_back(
            {fmt::format("pool-{}", p), {first, static_cast<Port>(first + 9)}, p == 9, {}});
    }
    for (int i = 0; i < 900; ++i) {
        Allocation a;
        a.name = fmt::format("svc-{}", i);
        a.ports = PortRange{static_cast<Port>(25000 + i), static_cast<Port>(25000 + i)};
        a.owner = "team";
        r.allocations.push_back(std::move(a));
    }
    for (int i = 0; i < 50; ++i) {
        Released e;
        e.name = fmt::format("old-{}", i);
        e.ports = PortRange{static_cast<Port>(25950 + i), static_cast<Port>(25950 + i)};
        r.released.push_back(std::move(e));
    }
    return r;
}

PortMapInput input(Port last) {
    PortMapInput in;
    in.shown = PortRange{last == 25999 ? Port{25000} : Port{1}, last};
    for (int i = 0; i < 200; ++i) {
        in.holders.push_back(
            {"", static_cast<Port>(25000 + i * 4), Protocols::tcp, "0.0.0.0", 1000 + i, "daemon"});
    }
    return in;
}

Port last_port(const benchmark::State& state) {
    return static_cast<Port>(state.range(0));
}

void BM_BuildPortMap(benchmark::State& state) {
    const Registry r = registry();
    for (auto _ : state) {
        auto map = build_port_map(r, input(last_port(state)));
        benchmark::DoNotOptimize(map->ports.data());
    }
}

// Runs `render` on a built map of the benchmark's range, reporting the output's size.
template <typename Render>
void render_bench(benchmark::State& state, Render render) {
    const auto map = build_port_map(registry(), input(last_port(state)));
    std::size_t bytes = 0;
    for (auto _ : state) {
        const std::string out = render(*map);
        bytes = out.size();
        benchmark::DoNotOptimize(out.data());
    }
    state.counters["output_bytes"] = static_cast<double>(bytes);
}

void BM_RenderMapText(benchmark::State& state) {
    render_bench(state, [](const PortMap& m) { return render_map_text(m, {true, 50, 20}); });
}

void BM_PortMapJson(benchmark::State& state) {
    render_bench(state, [](const PortMap& m) { return port_map_json(m); });
}

void BM_RenderMapHtml(benchmark::State& state) {
    render_bench(state, [](const PortMap& m) { return render_map_html(m, "bench.toml"); });
}

void BM_CheckMetrics(benchmark::State& state) {
    const Registry r = registry();
    const std::vector<Finding> findings(20, Finding(Severity::warning, "known-software", "x"));
    for (auto _ : state) {
        auto text = render_check_metrics(r, findings, "bench.toml", TimePoint{});
        benchmark::DoNotOptimize(text.data());
    }
}

}  // namespace

BENCHMARK(BM_BuildPortMap)->Arg(25999)->Arg(65535)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RenderMapText)->Arg(25999)->Arg(65535)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PortMapJson)->Arg(25999)->Arg(65535)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RenderMapHtml)->Arg(25999)->Arg(65535)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CheckMetrics)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
