// What a FleetRegistryStore holds: the connection, the registry's bucket, the hosts' bucket.
#pragma once

#include <functional>
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

// The bucket's keys read as a registry (a standing replacement's target while one stands).
// Errors: the bucket's; not_found when the bucket holds no registry config and
// `need_config` (hint init_store, or restore_store when it still holds allocations).
Expected<Materialized> current(Bucket& bucket, bool need_config);

// How many times a transaction re-runs after losing a race, and the pause between.
inline constexpr int k_max_attempts = 200;
void back_off(int attempt);
// conflict: k_max_attempts attempts in a row lost a race with other writers of `label`.
Error lost_every_race(std::string_view label);

// One transaction on the bucket: the change applied to what it holds now, then only the keys
// that differ written, each compare-and-set, in an order that keeps every promise at every
// step; done only once every key it wrote is seen to still hold its write. A replacement
// that stands is finished first. `restoring_config`: the bucket may lack its config, which
// the change writes. `dry_run`: everything but the writes.
Expected<void> run_transaction(Bucket& bucket, const RegistryChange& change,
                               std::uint64_t& txn_counter, bool restoring_config,
                               bool dry_run = false);

// Whether a replacement may go ahead on the registry the bucket holds now (store import
// refuses to drop live allocations unless forced).
using ReplaceCheck = std::function<Expected<void>(const Materialized&)>;

// Replaces every registry key with `next`'s in one step that readers see whole: the keys
// are written as parts of intent `txn`, committed by one write only if nothing was written
// since `allowed` passed, then applied (by this process, or any later writer or repair if
// this one stops). Errors: allowed's, the bucket's; conflict when racing writers win 200
// times in a row.
Expected<void> replace_registry(Bucket& bucket, const Registry& next, const ReplaceCheck& allowed,
                                std::string_view txn);

// Finishes a committed replacement if one stands (every writer does, before its change).
Expected<void> finish_intent(Bucket& bucket, std::string_view txn);

// A fresh token for a writer's values.
std::string new_txn(std::uint64_t& counter);

// The bucket holding hosts' reports: "<registry bucket>-hosts".
std::string hosts_bucket(const StoreUrl& url);

}  // namespace fleet
}  // namespace harmony::network
