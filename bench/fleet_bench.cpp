// The fleet store (NATS JetStream KV) against the raw key-value create it is built on.
// See docs/PERFORMANCE.md, "Issue 11", for how to run it and the numbers measured.
//
// The program starts its own nats-server (JetStream, loopback, a free port, a temporary store
// folder: the CLI tests' harness, tests/cli/nats_server.hpp) and stops it at exit. Every
// measurement is a fixed workload: 800 allocations (or raw creates) split evenly across 1, 4 or 16
// clients, each client a thread with its OWN connection, into a fresh bucket. Only the phase where
// the clients work is timed (manual wall-clock time: from releasing the clients until the last one
// is done); creating the bucket, connecting the clients and checking the results afterwards are
// not. items_per_second = allocations (creates) per second across all clients.
//
//   bench/fleet_bench --benchmark_repetitions=5   # default: 3 repetitions, aggregates only
//
// Environment: NATS_SERVER (default: nats-server in /usr/sbin, /usr/bin, /usr/local/bin, PATH).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <latch>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nats/nats.h>

#include <harmony/network/allocator.hpp>
#include <harmony/network/fleet_store.hpp>
#include <harmony/network/registry.hpp>

#include "cli/nats_server.hpp"

namespace {

using harmony::network::AllocateOptions;
using harmony::network::FleetOptions;
using harmony::network::FleetRegistryStore;
using harmony::network::PortAllocator;
using harmony::network::PortRange;
using harmony::network::StoreInitOptions;
using harmony::testing::NatsServer;

constexpr int k_total = 800;                // allocations (creates) per measurement
constexpr PortRange k_range{25000, 25999};  // the registry's range: 1,000 ports
constexpr std::size_t k_seeded = 2;         // ADR-014 default: ceph-rgw, internal-https

NatsServer* g_server = nullptr;

// ---------------------------------------------------------------------------------------------
// Raw libnats helpers.

std::string status_text(natsStatus s) {
    return fmt::format("{} ({})", natsStatus_GetText(s), nats_GetLastError(nullptr));
}

// One client's connection, JetStream context and (optionally) bound bucket.
struct RawClient {
    natsConnection* nc = nullptr;
    jsCtx* js = nullptr;
    kvStore* kv = nullptr;
    RawClient() = default;
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;
    ~RawClient() {
        kvStore_Destroy(kv);
        jsCtx_Destroy(js);
        natsConnection_Destroy(nc);
    }
    // Connects; empty on success, else the error.
    std::string connect(const std::string& url) {
        natsStatus s = natsConnection_ConnectTo(&nc, url.c_str());
        if (s == NATS_OK) {
            s = natsConnection_JetStream(&js, nc, nullptr);
        }
        return s == NATS_OK ? std::string() : "connect: " + status_text(s);
    }
};

// Removes a bucket (and the fleet store's "-hosts" bucket beside it) between measurements so
// the server does not accumulate streams; failures are ignored (the bucket may not exist).
void delete_buckets(const std::string& bucket) {
    RawClient admin;
    if (!admin.connect(g_server->url()).empty()) {
        return;
    }
    (void)js_DeleteKeyValue(admin.js, bucket.c_str());
    (void)js_DeleteKeyValue(admin.js, (bucket + "-hosts").c_str());
}

// A bucket name no earlier measurement used.
std::string fresh_bucket(std::string_view kind) {
    static std::atomic<int> counter{0};
    return fmt::format("bench-{}-{}-{}", kind, ::getpid(), counter.fetch_add(1));
}

// "svc-<client>-<i>": distinct valid service names, built before the timed phase.
std::vector<std::vector<std::string>> names_for(int clients) {
    std::vector<std::vector<std::string>> names(static_cast<std::size_t>(clients));
    for (int c = 0; c < clients; ++c) {
        for (int i = 0; i < k_total / clients; ++i) {
            names[static_cast<std::size_t>(c)].push_back(fmt::format("svc-{}-{}", c, i));
        }
    }
    return names;
}

// Runs work(client) on `clients` threads released together; returns the wall-clock seconds
// from the release until the last thread is done.
template <typename Work>
double run_clients(int clients, Work&& work) {
    std::latch start(clients + 1);
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(clients));
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            start.arrive_and_wait();
            work(c);
        });
    }
    const auto t0 = std::chrono::steady_clock::now();
    start.count_down();
    for (auto& t : threads) {
        t.join();
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Collects the first error any client reports.
class FirstError {
  public:
    void set(std::string message) {
        const std::lock_guard lock(m_mutex);
        if (m_message.empty()) {
            m_message = std::move(message);
        }
    }
    [[nodiscard]] std::string get() const {
        const std::lock_guard lock(m_mutex);
        return m_message;
    }

  private:
    mutable std::mutex m_mutex;
    std::string m_message;
};

// ---------------------------------------------------------------------------------------------
// Benchmarks.

// Every port of the range is a candidate (as in allocator_bench): 800 of the default pool's
// 918 ports are placed, more than its IANA-unregistered ports alone would hold.
AllocateOptions allow_registered() {
    AllocateOptions options;
    options.allow_registered = true;
    return options;
}

// 800 allocations of distinct names through FleetRegistryStore::update, split across
// state.range(0) clients, each with its own store (connection) on one fresh bucket.
void BM_FleetAllocate(benchmark::State& state) {
    const int clients = static_cast<int>(state.range(0));
    const auto names = names_for(clients);
    const AllocateOptions options = allow_registered();
    for (auto _ : state) {
        const std::string bucket = fresh_bucket("fleet");
        const FleetOptions fleet{.url = g_server->url() + "/" + bucket};
        // The ADR-014 default on 25000-25999 (3 pools, 2 entries). An empty registry on the
        // default range is not usable here: init writes nothing for it (it equals "no
        // registry"), so the bucket holds no config key and every allocate is not_found.
        auto initialised = FleetRegistryStore::init(fleet, StoreInitOptions{.range = k_range});
        if (!initialised) {
            state.SkipWithError(("store init: " + initialised.error().message).c_str());
            break;
        }
        std::vector<std::unique_ptr<FleetRegistryStore>> stores;
        std::string open_error;
        for (int c = 0; c < clients && open_error.empty(); ++c) {
            auto store = FleetRegistryStore::open(fleet);
            if (!store) {
                open_error = "store open: " + store.error().message;
            } else {
                stores.push_back(std::move(*store));
            }
        }
        if (!open_error.empty()) {
            state.SkipWithError(open_error.c_str());
            break;
        }
        std::vector<std::vector<PortRange>> placed(static_cast<std::size_t>(clients));
        FirstError failed;
        const double seconds = run_clients(clients, [&](int c) {
            auto& store = *stores[static_cast<std::size_t>(c)];
            for (const auto& name : names[static_cast<std::size_t>(c)]) {
                auto port = store.update(
                    [&](PortAllocator& ports) { return ports.allocate(name, options); });
                if (!port) {
                    failed.set(fmt::format("allocate {}: {}", name, port.error().message));
                    return;
                }
                placed[static_cast<std::size_t>(c)].push_back(*port);
            }
        });
        state.SetIterationTime(seconds);

        // Untimed: every allocation succeeded, the ports are distinct, and the store holds all.
        std::string error = failed.get();
        if (error.empty()) {
            std::set<std::uint32_t> ports;
            for (const auto& list : placed) {
                for (const auto& p : list) {
                    ports.insert(p.first);
                }
            }
            if (ports.size() != static_cast<std::size_t>(k_total)) {
                error = fmt::format("{} distinct ports for {} allocations", ports.size(), k_total);
            }
        }
        if (error.empty()) {
            auto registry = stores.front()->read();
            if (!registry) {
                error = "read back: " + registry.error().message;
            } else if (registry->allocations.size() != k_seeded + k_total) {
                error = fmt::format("the store holds {} allocations, not {}",
                                    registry->allocations.size(), k_seeded + k_total);
            }
        }
        stores.clear();
        delete_buckets(bucket);
        if (!error.empty()) {
            state.SkipWithError(error.c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * k_total);
    state.counters["clients"] = static_cast<double>(clients);
}

// The floor: 800 raw kvStore_Create calls of distinct keys (one request each, create-only) into
// a fresh bucket (History 1, file storage, as the store's), split across state.range(0)
// clients, each with its own connection.
void BM_RawKvCreate(benchmark::State& state) {
    const int clients = static_cast<int>(state.range(0));
    const auto names = names_for(clients);
    static constexpr std::string_view k_value = "25000/tcp";
    for (auto _ : state) {
        const std::string bucket = fresh_bucket("raw");
        std::string error;
        {
            RawClient admin;
            error = admin.connect(g_server->url());
            if (error.empty()) {
                kvConfig cfg;
                kvConfig_Init(&cfg);
                cfg.Bucket = bucket.c_str();
                cfg.History = 1;
                cfg.Replicas = 1;
                cfg.StorageType = js_FileStorage;
                kvStore* kv = nullptr;
                const natsStatus s = js_CreateKeyValue(&kv, admin.js, &cfg);
                kvStore_Destroy(kv);
                if (s != NATS_OK) {
                    error = "create bucket: " + status_text(s);
                }
            }
        }
        std::vector<std::unique_ptr<RawClient>> raw;
        for (int c = 0; c < clients && error.empty(); ++c) {
            auto client = std::make_unique<RawClient>();
            error = client->connect(g_server->url());
            if (error.empty()) {
                const natsStatus s = js_KeyValue(&client->kv, client->js, bucket.c_str());
                if (s != NATS_OK) {
                    error = "bind bucket: " + status_text(s);
                }
            }
            raw.push_back(std::move(client));
        }
        if (!error.empty()) {
            state.SkipWithError(error.c_str());
            break;
        }
        std::atomic<int> created{0};
        FirstError failed;
        const double seconds = run_clients(clients, [&](int c) {
            kvStore* kv = raw[static_cast<std::size_t>(c)]->kv;
            for (const auto& key : names[static_cast<std::size_t>(c)]) {
                std::uint64_t revision = 0;
                const natsStatus s = kvStore_Create(&revision, kv, key.c_str(), k_value.data(),
                                                    static_cast<int>(k_value.size()));
                if (s != NATS_OK) {
                    failed.set(fmt::format("create {}: {}", key, status_text(s)));
                    return;
                }
                created.fetch_add(1, std::memory_order_relaxed);
            }
        });
        state.SetIterationTime(seconds);
        raw.clear();
        delete_buckets(bucket);
        error = failed.get();
        if (error.empty() && created.load() != k_total) {
            error = fmt::format("{} keys created, not {}", created.load(), k_total);
        }
        if (!error.empty()) {
            state.SkipWithError(error.c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * k_total);
    state.counters["clients"] = static_cast<double>(clients);
}

// Each measurement is one whole 800-operation workload in a fresh bucket; main() defaults to
// three repetitions with only the aggregates (median, mean, stddev) reported.
void fleet_args(benchmark::internal::Benchmark* b) {
    b->ArgName("clients")->Arg(1)->Arg(4)->Arg(16);
    b->UseManualTime()->Iterations(1);
    b->Unit(benchmark::kMillisecond);
}

BENCHMARK(BM_FleetAllocate)->Apply(fleet_args);
BENCHMARK(BM_RawKvCreate)->Apply(fleet_args);

}  // namespace

int main(int argc, char** argv) {
    // Defaults first, so the caller's own --benchmark_repetitions=N (parsed later) wins.
    std::vector<char*> args{argv[0]};
    std::string repetitions = "--benchmark_repetitions=3";
    std::string aggregates = "--benchmark_report_aggregates_only=true";
    args.push_back(repetitions.data());
    args.push_back(aggregates.data());
    args.insert(args.end(), argv + 1, argv + argc);
    args.push_back(nullptr);
    int count = static_cast<int>(args.size()) - 1;
    argv = args.data();
    argc = count;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    if (!harmony::testing::find_nats_server()) {
        fmt::print(stderr, "fleet_bench: nats-server is not installed (set NATS_SERVER)\n");
        return 2;
    }
    std::unique_ptr<NatsServer> server;
    try {
        server = std::make_unique<NatsServer>();
    } catch (const std::exception& e) {
        fmt::print(stderr, "fleet_bench: {}\n", e.what());
        return 2;
    }
    g_server = server.get();
    benchmark::AddCustomContext("nats_server", server->url());
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    g_server = nullptr;
    server.reset();
    nats_Close();
    return 0;
}
