// FleetRegistryStore: the registry transaction on a NATS JetStream KV bucket.
#include <harmony/network/fleet_store.hpp>

#include <fmt/format.h>

#include "fleet/store_impl.hpp"

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

Finding leftover_finding(const fleet::Leftover& left, const std::string& label) {
    const bool orphan = left.kind == fleet::Leftover::Kind::orphan_claim;
    const std::string ports =
        left.ports ? fmt::format("{}/{}",
                                 left.ports->first == left.ports->last
                                     ? fmt::format("{}", left.ports->first)
                                     : fmt::format("{}-{}", left.ports->first, left.ports->last),
                                 to_string(left.protocols))
                   : std::string();
    Finding f(Severity::warning, orphan ? "store-orphan-claim" : "store-incomplete-record",
              orphan ? fmt::format("store {}: port {} is claimed for {} by a transaction that "
                                   "did not finish (key {}); no allocation holds it",
                                   label, ports, left.service, left.key)
                     : fmt::format("store {}: the record of {} ({}) lacks claims on its ports "
                                   "(key {}): an interrupted release or allocation",
                                   label, left.service, ports, left.key));
    f.ports = left.ports;
    f.service = left.service;
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

Expected<void> FleetRegistryStore::replace(const Registry& registry) {
    return fleet::run_transaction(
        *m_impl->registry,
        [&](PortAllocator& allocator) -> Expected<void> {
            allocator = PortAllocator(registry);
            return {};
        },
        m_impl->txn_counter, true);
}

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
    auto held = fleet::current(*store.m_impl->registry, false);
    if (!held) {
        return std::unexpected(held.error());
    }
    result.registry = init.from ? *init.from : adr014_default_registry(init.range);
    canonicalize(result.registry);
    const auto held_keys = fleet::encode(held->registry);
    const auto new_keys = fleet::encode(result.registry);
    const bool same = held_keys && new_keys && *held_keys == *new_keys;
    if (held->has_config && same && held->leftovers.empty()) {
        return result;  // already this registry: init is idempotent
    }
    if (held->has_config && !init.force) {
        return fail(ErrorCode::already_exists,
                    fmt::format("store {} already holds a registry", store.label()),
                    Hint{HintKind::overwrite, store.label()});
    }
    if (auto done = store.replace(result.registry); !done) {
        return std::unexpected(done.error());
    }
    result.loaded = true;
    return result;
}

}  // namespace harmony::network
