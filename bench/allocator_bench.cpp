// Micro-benchmarks of the library: PortAllocator placement and registry parse/render.
// See docs/PERFORMANCE.md for how to run them and the numbers measured.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <harmony_ports.h>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <harmony/network/allocator.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_file.hpp>

namespace {

using harmony::network::AllocateOptions;
using harmony::network::Allocation;
using harmony::network::Port;
using harmony::network::PortAllocator;
using harmony::network::PortRange;
using harmony::network::Protocols;
using harmony::network::Registry;
using harmony::network::RegistryFormat;
using harmony::network::ReleaseOptions;

// "svc-000000", "svc-000001", ...: valid service names, built outside every timed region.
std::vector<std::string> make_names(std::size_t n, std::string_view prefix = "svc") {
    std::vector<std::string> names;
    names.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        names.push_back(fmt::format("{}-{:06}", prefix, i));
    }
    return names;
}

// The range a benchmark argument stands for: 1000 -> 25000-25999, 65535 -> 1-65535.
PortRange range_for(std::int64_t size) {
    if (size >= 65535) {
        return PortRange{1, 65535};
    }
    return PortRange{25000, static_cast<Port>(25000 + size - 1)};
}

AllocateOptions allow_registered() {
    AllocateOptions options;
    options.allow_registered = true;  // every port of the range is a candidate
    return options;
}

// A 1,000-entry registry over 20000-29999 made by 1,000 default allocate() calls (the same
// content 1,000 `harmony-ports allocate` runs produce).
Registry registry_with_1000_entries() {
    PortAllocator allocator(20000, 29999);
    for (const auto& name : make_names(1000)) {
        if (!allocator.allocate(name)) {
            return {};
        }
    }
    return allocator.registry();
}

// "held-PPPPP" on port P/tcp: an entry of the big registries below.
Allocation held_port(Port p) {
    return Allocation{
        fmt::format("held-{:05}", p), PortRange{p, p}, Protocols::tcp, "", "", "", "", {}};
}

// The timed loop of the single-allocation benchmarks: one allocate() of a new name per
// iteration; untimed, the name is released again (quarantine 0) so every iteration sees the
// same registry. 256 names cycle so the hash start positions vary.
void allocate_new_names(benchmark::State& state, PortAllocator& allocator) {
    const auto names = make_names(256, "new");
    const AllocateOptions options = allow_registered();
    ReleaseOptions no_quarantine;
    no_quarantine.quarantine_days = 0;
    std::size_t i = 0;
    for (auto _ : state) {
        const std::string& name = names[i++ % names.size()];
        auto placed = allocator.allocate(name, options);
        state.PauseTiming();
        if (!placed) {
            state.SkipWithError(placed.error().message.c_str());
            break;
        }
        benchmark::DoNotOptimize(placed);
        (void)allocator.release(name, no_quarantine);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations());
}

// One fill per iteration: every port of `range` to a new name ("svc-000000", ...) in an empty
// allocator until it is full (every allocation succeeds, the last ones walk far to find the few
// free ports left). items/s = allocations per second. Building and destroying the allocator is
// not timed.
void fill(benchmark::State& state, PortRange range) {
    const auto names = make_names(range.size());
    const AllocateOptions options = allow_registered();
    for (auto _ : state) {
        state.PauseTiming();
        auto allocator = std::make_unique<PortAllocator>(range.first, range.last);
        state.ResumeTiming();
        for (const auto& name : names) {
            auto placed = allocator->allocate(name, options);
            if (!placed) {
                state.SkipWithError(placed.error().message.c_str());
                break;
            }
            benchmark::DoNotOptimize(placed);
        }
        state.PauseTiming();
        allocator.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(range.size()));
}

// BM_FillRange/N: fill an N-port range (1000: 25000-25999, 65535: 1-65535).
void BM_FillRange(benchmark::State& state) {
    fill(state, range_for(state.range(0)));
}
BENCHMARK(BM_FillRange)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FillRange)->Arg(65535)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// BM_FillHighRange: fill 1024-65535 (64,512 names): the work of the Rust crate's
// `fill-1024-65535` (bindings/rust/benches/ffi.rs) on the C++ library directly, for the FFI
// overhead scripts/bench_rust.sh prints.
void BM_FillHighRange(benchmark::State& state) {
    fill(state, PortRange{1024, 65535});
}
BENCHMARK(BM_FillHighRange)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// BM_FillHighRangeCapi: the same fill through the C ABI (hp_allocator_allocate in
// libharmony_ports.so: argument checks, the handle's mutex, the options conversion), so the
// C boundary's share of the crate's overhead is seen on its own.
void BM_FillHighRangeCapi(benchmark::State& state) {
    const auto names = make_names(PortRange{1024, 65535}.size());
    hp_allocate_options options = HP_ALLOCATE_OPTIONS_INIT;
    options.allow_registered = 1;
    for (auto _ : state) {
        state.PauseTiming();
        hp_allocator* allocator = nullptr;
        hp_allocator_new(1024, 65535, &allocator, nullptr);
        state.ResumeTiming();
        for (const auto& name : names) {
            hp_port_range placed{};
            if (hp_allocator_allocate(allocator, name.data(), name.size(), &options, &placed,
                                      nullptr) != HP_OK) {
                state.SkipWithError("hp_allocator_allocate failed");
                break;
            }
            benchmark::DoNotOptimize(placed);
        }
        state.PauseTiming();
        hp_allocator_free(allocator);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(names.size()));
}
BENCHMARK(BM_FillHighRangeCapi)->Unit(benchmark::kMillisecond)->MinTime(1.0);

// BM_AllocateIntoNearlyFull/65535: one allocate() of a new name into 1-65535 with every
// port taken except 8 scattered ones, i.e. the worst case of the upward walk plus the
// per-call candidate bitmap. Untimed between iterations: the name is released again
// (quarantine 0) so every iteration sees the same 8 free ports; 256 names cycle so the
// hash start positions vary.
void BM_AllocateIntoNearlyFull(benchmark::State& state) {
    const PortRange range = range_for(state.range(0));
    const std::vector<std::uint32_t> free_ports = {1,     8191,  16383, 24575,
                                                   32767, 40959, 49151, 65535};
    Registry registry;
    registry.range = range;
    std::size_t next_free = 0;
    for (std::uint32_t p = range.first; p <= range.last; ++p) {
        if (next_free < free_ports.size() && free_ports[next_free] == p) {
            ++next_free;
            continue;
        }
        registry.allocations.push_back(held_port(static_cast<Port>(p)));
    }
    PortAllocator allocator(std::move(registry));
    allocate_new_names(state, allocator);
}
BENCHMARK(BM_AllocateIntoNearlyFull)->Arg(65535)->Unit(benchmark::kMicrosecond);

// BM_AllocateIdempotent: allocate() of a name the 1,000-entry registry already holds; the
// idempotent path (name check + index lookup) that returns the stored port unchanged.
void BM_AllocateIdempotent(benchmark::State& state) {
    PortAllocator allocator(registry_with_1000_entries());
    const auto names = make_names(1000);
    std::size_t i = 0;
    for (auto _ : state) {
        auto placed = allocator.allocate(names[i++ % names.size()]);
        if (!placed) {
            state.SkipWithError(placed.error().message.c_str());
            break;
        }
        benchmark::DoNotOptimize(placed);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AllocateIdempotent)->Unit(benchmark::kNanosecond);

// 60,000 single-port TCP entries on 1-60000 in the range 1-65535: a registry that big, for the
// two benchmarks below.
Registry registry_with_60000_entries() {
    Registry registry;
    registry.range = PortRange{1, 65535};
    for (std::uint32_t p = 1; p <= 60000; ++p) {
        registry.allocations.push_back(held_port(static_cast<Port>(p)));
    }
    return registry;
}

// BM_PinBlockInLargeRegistry: one allocate() pinning a 50,000-port UDP block (10000-59999) in
// the 60,000-entry registry: every port of the block is checked against holders and
// quarantine. Untimed between iterations: the block is released again (quarantine 0).
void BM_PinBlockInLargeRegistry(benchmark::State& state) {
    PortAllocator allocator(registry_with_60000_entries());
    AllocateOptions pin = allow_registered();
    pin.port = 10000;
    pin.count = 50000;
    pin.protocols = Protocols::udp;
    ReleaseOptions no_quarantine;
    no_quarantine.quarantine_days = 0;
    for (auto _ : state) {
        auto placed = allocator.allocate("big-block", pin);
        state.PauseTiming();
        if (!placed || placed->size() != 50000) {
            state.SkipWithError(placed ? "wrong block" : placed.error().message.c_str());
            break;
        }
        (void)allocator.release("big-block", no_quarantine);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PinBlockInLargeRegistry)->Unit(benchmark::kMicrosecond);

// BM_AllocateInLargeRegistry: an ordinary allocate() of a new name (one TCP port, placed by
// the rule) in the same 60,000-entry registry, for comparison with the pin above; most
// starts walk up to the free ports 60001-65535. Released again untimed, 256 names cycle.
void BM_AllocateInLargeRegistry(benchmark::State& state) {
    PortAllocator allocator(registry_with_60000_entries());
    allocate_new_names(state, allocator);
}
BENCHMARK(BM_AllocateInLargeRegistry)->Unit(benchmark::kMicrosecond);

// BM_ParseRegistry/1000: parse_registry() (TOML parse + full validation) of the canonical
// text of a 1,000-entry registry over 20000-29999 -- the load every CLI command does.
void BM_ParseRegistry(benchmark::State& state) {
    const std::string text = render_registry(registry_with_1000_entries(), RegistryFormat::toml);
    for (auto _ : state) {
        auto parsed = harmony::network::parse_registry(text, RegistryFormat::toml, "bench.toml",
                                                       PortRange{20000, 29999});
        if (!parsed || parsed->allocations.size() != 1000) {
            state.SkipWithError("parse_registry failed");
            break;
        }
        benchmark::DoNotOptimize(parsed);
    }
    state.SetItemsProcessed(state.iterations() * 1000);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(BM_ParseRegistry)->Arg(1000)->Unit(benchmark::kMicrosecond);

// BM_RenderRegistry/1000: render_registry() of the same 1,000-entry registry to canonical
// TOML -- done twice per CLI write (before/after, to skip unchanged writes).
void BM_RenderRegistry(benchmark::State& state) {
    const Registry registry = registry_with_1000_entries();
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto text = render_registry(registry, RegistryFormat::toml);
        bytes = text.size();
        benchmark::DoNotOptimize(text);
    }
    state.SetItemsProcessed(state.iterations() * 1000);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RenderRegistry)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
