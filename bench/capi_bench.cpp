// The C ABI's cost: filling 1024-65535 (every port allowed, so 64,512 allocations) through
// the C++ PortAllocator directly and through hp_allocator_allocate in libharmony_ports.so
// (argument checks, the handle's mutex, the shared library's call), in one run so their
// ratio is fair. items/s = allocations per second.
//   bench/capi_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <harmony_ports.h>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include <harmony/network/allocator.hpp>

namespace {

constexpr std::uint16_t k_first = 1024;
constexpr std::uint16_t k_last = 65535;
constexpr std::size_t k_ports = k_last - k_first + 1;

// "svc-000000", ...: the names the Rust crate's benchmark allocates too.
const std::vector<std::string>& names() {
    static const std::vector<std::string> all = [] {
        std::vector<std::string> v;
        v.reserve(k_ports);
        for (std::size_t i = 0; i < k_ports; ++i) {
            v.push_back(fmt::format("svc-{:06}", i));
        }
        return v;
    }();
    return all;
}

void BM_FillCxx(benchmark::State& state) {
    harmony::network::AllocateOptions options;
    options.allow_registered = true;
    for (auto _ : state) {
        state.PauseTiming();
        auto ports = std::make_unique<harmony::network::PortAllocator>(k_first, k_last);
        state.ResumeTiming();
        for (const auto& name : names()) {
            auto placed = ports->allocate(name, options);
            if (!placed) {
                state.SkipWithError(placed.error().message.c_str());
                return;
            }
            benchmark::DoNotOptimize(placed);
        }
        state.PauseTiming();
        ports.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_ports));
}
BENCHMARK(BM_FillCxx)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_FillCapi(benchmark::State& state) {
    hp_allocate_options options = HP_ALLOCATE_OPTIONS_INIT;
    options.allow_registered = 1;
    for (auto _ : state) {
        state.PauseTiming();
        hp_allocator* ports = nullptr;
        hp_allocator_new(k_first, k_last, &ports, nullptr);
        state.ResumeTiming();
        for (const auto& name : names()) {
            hp_port_range placed{};
            if (hp_allocator_allocate(ports, name.data(), name.size(), &options, &placed,
                                      nullptr) != HP_OK) {
                state.SkipWithError("hp_allocator_allocate failed");
                return;
            }
            benchmark::DoNotOptimize(placed);
        }
        state.PauseTiming();
        hp_allocator_free(ports);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(k_ports));
}
BENCHMARK(BM_FillCapi)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
