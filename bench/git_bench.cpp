// The registry merge and diff on registries of growing size: two branches that each added
// services and edited others since their common base, as a merge driver sees them.
#include <benchmark/benchmark.h>

#include <harmony/network/allocator.hpp>
#include <harmony/network/registry_diff.hpp>
#include <harmony/network/registry_merge.hpp>

namespace {

using namespace harmony::network;

// A registry of `count` services placed by the allocator's own rule, from `prefix`.
Registry grown(Registry registry, const std::string& prefix, int count) {
    PortAllocator allocator(registry);
    for (int i = 0; i < count; ++i) {
        (void)allocator.allocate(prefix + std::to_string(i));
    }
    return allocator.registry();
}

struct Sides {
    Registry base, ours, theirs;
};

// `size` services in the base; each side adds 10 and edits the owner of 10 others.
Sides sides(int size) {
    Registry empty;
    empty.range = PortRange{20000, 29999};
    Sides s;
    s.base = grown(empty, "base-", size);
    s.ours = grown(s.base, "ours-", 10);
    s.theirs = grown(s.base, "theirs-", 10);
    for (int i = 0; i < 10; ++i) {
        s.ours.allocations[static_cast<std::size_t>(i)].owner = "ours";
        s.theirs.allocations[static_cast<std::size_t>(i + 10)].owner = "theirs";
    }
    return s;
}

void BM_MergeRegistries(benchmark::State& state) {
    Sides s = sides(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto m = merge_registries(s.base, s.ours, s.theirs);
        benchmark::DoNotOptimize(m);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MergeRegistries)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_DiffRegistries(benchmark::State& state) {
    Sides s = sides(static_cast<int>(state.range(0)));
    TimePoint now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    for (auto _ : state) {
        auto d = diff_registries(s.base, s.ours, now);
        benchmark::DoNotOptimize(d);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_DiffRegistries)->Arg(100)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
