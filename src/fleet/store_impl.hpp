// What a FleetRegistryStore holds: the connection, the registry's bucket, the hosts' bucket.
#pragma once

#include <memory>

#include <harmony/network/fleet_store.hpp>

#include "fleet/bucket.hpp"

namespace harmony::network {

struct FleetRegistryStore::Impl {
    std::unique_ptr<fleet::Connection> connection;
    std::unique_ptr<fleet::Bucket> registry;
    std::unique_ptr<fleet::Bucket> hosts;  // opened when first used
    std::uint64_t txn_counter = 0;
};

namespace fleet {

// The bucket's keys read as a registry. Errors: the bucket's; not_found (hint init_store)
// when the bucket holds no registry and `need_config`.
Expected<Materialized> current(Bucket& bucket, bool need_config);

// One transaction on the bucket: the change applied to what it holds now, then only the keys
// that differ written, each compare-and-set, in an order that keeps every promise at every
// step. `replacing`: the change replaces the whole registry (init, import); the bucket may
// hold none yet. `dry_run`: everything but the writes.
Expected<void> run_transaction(Bucket& bucket, const RegistryChange& change,
                               std::uint64_t& txn_counter, bool replacing, bool dry_run = false);

// The bucket holding hosts' reports: "<registry bucket>-hosts".
std::string hosts_bucket(const StoreUrl& url);

}  // namespace fleet
}  // namespace harmony::network
