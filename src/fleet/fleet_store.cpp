// FleetRegistryStore: the registry transaction on a NATS JetStream KV bucket.
#include <harmony/network/fleet_store.hpp>

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fleet/store_impl.hpp"
#include "util/printable.hpp"

namespace harmony::network {

FleetRegistryStore::FleetRegistryStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
FleetRegistryStore::~FleetRegistryStore() = default;

Expected<std::unique_ptr<FleetRegistryStore>> FleetRegistryStore::open(
    const FleetOptions& options) {
    auto impl = std::make_unique<Impl>();
    auto connection = fleet::Connection::open(options);
    if (!connection) {
        return std::unexpected(connection.error());
    }
    impl->connection = std::move(*connection);
    auto bucket = fleet::Bucket::open(*impl->connection, impl->connection->url().bucket);
    if (!bucket) {
        return std::unexpected(bucket.error());
    }
    impl->registry = std::move(*bucket);
    return std::unique_ptr<FleetRegistryStore>(new FleetRegistryStore(std::move(impl)));
}

std::string FleetRegistryStore::label() const {
    return m_impl->connection->label();
}

std::uint64_t FleetRegistryStore::revision() const {
    return m_impl->registry->revision();
}

Expected<Registry> FleetRegistryStore::read() {
    auto m = fleet::current(*m_impl->registry, true);
    if (!m) {
        return std::unexpected(m.error());
    }
    return std::move(m->registry);
}

namespace {

std::string leftover_message(const fleet::Leftover& left, const std::string& label) {
    const std::string key = util::printable_text(left.key, 200);
    switch (left.kind) {
        case fleet::Leftover::Kind::orphan_claim:
            return fmt::format(
                "store {}: port {} is claimed for {} by a transaction that did not "
                "finish (key {}); no allocation holds it",
                label, fleet::ports_text(left), left.service, key);
        case fleet::Leftover::Kind::incomplete_record:
            return fmt::format(
                "store {}: the record of {} ({}) lacks claims on its ports (key "
                "{}): an interrupted release or allocation",
                label, left.service, fleet::ports_text(left), key);
        case fleet::Leftover::Kind::invalid_key:
            return left.ports ? fmt::format(
                                    "{}; port {} stays taken until the key is mended or "
                                    "removed",
                                    left.problem, fleet::ports_text(left))
                              : left.problem;
        case fleet::Leftover::Kind::stale_intent_part:
            return fmt::format(
                "store {}: key {} is part of a replacement that was never "
                "committed (an interrupted import)",
                label, key);
    }
    return {};
}

std::string_view leftover_code(fleet::Leftover::Kind kind) {
    switch (kind) {
        case fleet::Leftover::Kind::orphan_claim:
            return "store-orphan-claim";
        case fleet::Leftover::Kind::incomplete_record:
            return "store-incomplete-record";
        case fleet::Leftover::Kind::invalid_key:
            return "store-invalid-key";
        case fleet::Leftover::Kind::stale_intent_part:
            return "store-stale-import";
    }
    return {};
}

Finding leftover_finding(const fleet::Leftover& left, const std::string& label) {
    const bool invalid = left.kind == fleet::Leftover::Kind::invalid_key;
    Finding f(invalid ? Severity::error : Severity::warning, std::string(leftover_code(left.kind)),
              leftover_message(left, label));
    f.ports = left.ports;
    if (!invalid) {
        f.service = left.service;
    }
    f.hint = Hint{HintKind::repair_store, label};
    return f;
}

}  // namespace

Expected<LenientLoad> FleetRegistryStore::read_lenient() {
    auto m = fleet::current(*m_impl->registry, true);
    if (!m) {
        return std::unexpected(m.error());
    }
    LenientLoad load{std::move(m->registry), {}};
    for (const auto& left : m->leftovers) {
        load.problems.push_back(leftover_finding(left, label()));
    }
    return load;
}

Expected<void> FleetRegistryStore::transact(const RegistryChange& change) {
    return fleet::run_transaction(*m_impl->registry, change, m_impl->txn_counter, false, dry_run());
}

namespace {

bool same_place(const Allocation& a, const Allocation& b) {
    return a.ports.first == b.ports.first && a.ports.last == b.ports.last &&
           a.protocols == b.protocols;
}

// Refuses a replacement that drops or moves an allocation the store holds.
Expected<void> keeps_allocations(const Registry& now, const Registry& next,
                                 const std::string& label) {
    std::vector<std::string> lost;
    for (const auto& a : now.allocations) {
        auto kept = std::find_if(next.allocations.begin(), next.allocations.end(),
                                 [&](const Allocation& b) { return b.name == a.name; });
        if (kept == next.allocations.end() || !same_place(a, *kept)) {
            lost.push_back(fmt::format("{} ({}-{}/{})", a.name, a.ports.first, a.ports.last,
                                       to_string(a.protocols)));
        }
    }
    if (lost.empty()) {
        return {};
    }
    const std::size_t shown = std::min<std::size_t>(lost.size(), 5);
    return fail(ErrorCode::already_exists,
                fmt::format("store {} holds {} allocation{} the new registry drops or moves: {}{}; "
                            "nothing changed",
                            label, lost.size(), lost.size() == 1 ? "" : "s",
                            fmt::join(lost.begin(), lost.begin() + static_cast<long>(shown), ", "),
                            lost.size() > shown ? ", ..." : ""),
                Hint{HintKind::overwrite, label});
}

}  // namespace

Expected<void> FleetRegistryStore::replace(const Registry& registry, bool force) {
    Registry next = registry;
    canonicalize(next);
    const std::string txn = fleet::new_txn(m_impl->txn_counter);
    const std::string name = label();
    return fleet::replace_registry(
        *m_impl->registry, next,
        [&](const fleet::Materialized& now) -> Expected<void> {
            return force ? Expected<void>{} : keeps_allocations(now.registry, next, name);
        },
        txn);
}

namespace {

// `config`'s settings (range, pools, quarantine days) over the allocator's entries.
RegistryChange with_config_of(const Registry& config) {
    return [config](PortAllocator& allocator) -> Expected<void> {
        Registry next = allocator.registry();
        next.schema_version = config.schema_version;
        next.range = config.range;
        next.quarantine_days = config.quarantine_days;
        next.pools = config.pools;
        allocator = PortAllocator(std::move(next));
        return {};
    };
}

// Writes the config of `result` into a bucket that lost its own, keeping its allocations.
Expected<void> restore_config(FleetRegistryStore& store, FleetRegistryStore::Impl& impl,
                              const fleet::Materialized& held, const StoreInitOptions& init,
                              StoreInitResult& result) {
    const std::string label = store.label();
    const bool from_entries =
        init.from && (!init.from->allocations.empty() || !init.from->released.empty());
    if (from_entries) {
        // The file's allocations would replace the store's: only when they are the same.
        if (!keeps_allocations(held.registry, result.registry, label) ||
            !keeps_allocations(result.registry, held.registry, label)) {
            return fail(ErrorCode::already_exists,
                        fmt::format("store {} lost its registry config but holds {} allocations "
                                    "the new registry does not hold as they are; nothing changed",
                                    label, held.registry.allocations.size()),
                        Hint{HintKind::overwrite, label});
        }
    }
    if (auto done = fleet::run_transaction(*impl.registry, with_config_of(result.registry),
                                           impl.txn_counter, true);
        !done) {
        return done;
    }
    auto now = store.read();
    if (!now) {
        return std::unexpected(now.error());
    }
    result.registry = std::move(*now);
    result.loaded = true;
    result.restored_config = true;
    return {};
}

// Loads the registry `result` holds into a bucket init just bound (or finds it there).
Expected<void> load_initial(FleetRegistryStore& store, FleetRegistryStore::Impl& impl,
                            const StoreInitOptions& init, StoreInitResult& result) {
    fleet::Bucket& bucket = *impl.registry;
    const std::string label = store.label();
    auto held = fleet::current(bucket, false);
    if (!held) {
        return std::unexpected(held.error());
    }
    if (held->has_config) {
        const auto held_keys = fleet::encode(held->registry);
        const auto new_keys = fleet::encode(result.registry);
        if (held_keys && new_keys && *held_keys == *new_keys && held->leftovers.empty()) {
            return {};  // already this registry: init is idempotent
        }
        if (!init.force) {
            return fail(ErrorCode::already_exists,
                        fmt::format("store {} already holds a registry", label),
                        Hint{HintKind::overwrite, label});
        }
    } else if (fleet::holds_entries(*held) && !init.force) {
        return restore_config(store, impl, *held, init, result);
    }
    if (auto done = store.replace(result.registry, init.force); !done) {
        return done;
    }
    result.loaded = true;
    return {};
}

}  // namespace

Expected<StoreInitResult> FleetRegistryStore::init(const FleetOptions& options,
                                                   const StoreInitOptions& init) {
    if (init.replicas < 1 || init.replicas > 5) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid replicas '{}': expected 1-5", init.replicas));
    }
    auto connection = fleet::Connection::open(options);
    if (!connection) {
        return std::unexpected(connection.error());
    }
    StoreInitResult result;
    const fleet::BucketConfig registry_config{init.replicas, std::chrono::seconds{0}};
    auto bucket = fleet::Bucket::create(**connection, (*connection)->url().bucket, registry_config,
                                        result.created_bucket);
    if (!bucket) {
        return std::unexpected(bucket.error());
    }
    bool hosts_created = false;
    const fleet::BucketConfig hosts_config{init.replicas, std::chrono::hours{24}};
    auto hosts = fleet::Bucket::create(**connection, fleet::hosts_bucket((*connection)->url()),
                                       hosts_config, hosts_created);
    if (!hosts) {
        return std::unexpected(hosts.error());
    }
    auto impl = std::make_unique<Impl>();
    impl->connection = std::move(*connection);
    impl->registry = std::move(*bucket);
    FleetRegistryStore store(std::move(impl));
    result.registry = init.from ? *init.from : adr014_default_registry(init.range);
    canonicalize(result.registry);
    if (auto done = load_initial(store, *store.m_impl, init, result); !done) {
        return std::unexpected(done.error());
    }
    return result;
}

}  // namespace harmony::network
