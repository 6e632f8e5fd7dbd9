// The fleet store's transaction: read, change, write the difference with compare-and-set.
#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>

#include <harmony/network/allocator.hpp>

#include "fleet/store_impl.hpp"

namespace harmony::network::fleet {
namespace {

constexpr int k_max_attempts = 200;

// The order writes go out in, so that a client stopped after any write leaves no port given
// twice and no allocation pointing at ports it does not hold (ARCHITECTURE.md).
enum class Phase {
    unhold = 0,       // a claim stops giving its port to a service (release)
    drop_record = 1,  // a released service's record
    config = 2,       // range, pools
    claim = 3,        // claims taken, quarantine written or expired
    record = 4,       // records of new or changed allocations: they exist from here
};

struct PlannedWrite {
    std::string key;
    std::optional<std::string> value;
    Phase phase = Phase::claim;
};

bool holds_service(const std::string* value) {
    return value != nullptr && value->starts_with("{\"service\"");
}

Phase phase_of(std::string_view key, const std::string* before, const std::string* after) {
    if (key.starts_with("port.")) {
        return holds_service(before) && (after == nullptr || *after != *before) ? Phase::unhold
                                                                                : Phase::claim;
    }
    if (key.starts_with("name.")) {
        return after == nullptr ? Phase::drop_record : Phase::record;
    }
    return Phase::config;
}

// What a key holds before the change, as encode() would write it: ports held by unfinished
// transactions as their quarantine stand-ins, every other key as stored (without its token).
class BeforeValues {
  public:
    BeforeValues(const RawMap& raw, const std::vector<Released>& held)
        : m_raw(raw), m_held(encode_released(held)) {}

    [[nodiscard]] std::optional<std::string> operator()(const std::string& key) const {
        if (auto held = m_held.find(key); held != m_held.end()) {
            return held->second;
        }
        auto raw = m_raw.find(key);
        if (raw == m_raw.end() || raw->second.deleted) {
            return std::nullopt;
        }
        return canonical_of(raw->second.value);
    }

  private:
    const RawMap& m_raw;
    Encoded m_held;
};

std::vector<PlannedWrite> plan(const KeyChanges& changes, const BeforeValues& before) {
    std::vector<PlannedWrite> writes;
    for (const auto& [key, value] : changes) {
        const auto was = before(key);
        if (was == value) {
            continue;
        }
        writes.push_back(
            {key, value, phase_of(key, was ? &*was : nullptr, value ? &*value : nullptr)});
    }
    std::stable_sort(writes.begin(), writes.end(),
                     [](const auto& a, const auto& b) { return a.phase < b.phase; });
    return writes;
}

std::string new_txn(std::uint64_t& counter) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{:016x}{:04x}", random(), ++counter & 0xffffU);
}

// Takes back the claims this attempt created, so a lost race leaves no leftover.
void roll_back(Bucket& bucket, const std::vector<std::pair<std::string, std::uint64_t>>& made,
               std::string_view txn) {
    for (const auto& [key, revision] : made) {
        std::uint64_t ignored = 0;
        (void)bucket.write(key, std::nullopt, revision, txn, ignored);
    }
}

enum class Applied { done, lost_race };

Expected<Applied> apply(Bucket& bucket, const std::vector<PlannedWrite>& writes,
                        std::string_view txn) {
    std::vector<std::pair<std::string, std::uint64_t>> made;
    for (const auto& w : writes) {
        auto raw = bucket.keys().find(w.key);
        const bool exists = raw != bucket.keys().end() && !raw->second.deleted;
        if (!w.value && !exists) {
            continue;  // already gone
        }
        const std::uint64_t expected = raw == bucket.keys().end() ? 0 : raw->second.revision;
        std::uint64_t revision = 0;
        auto outcome = bucket.write(
            w.key, w.value ? std::optional<std::string>(with_txn(*w.value, txn)) : std::nullopt,
            expected, txn, revision);
        if (!outcome) {
            return std::unexpected(outcome.error());
        }
        if (*outcome == WriteOutcome::lost_race) {
            roll_back(bucket, made, txn);
            return Applied::lost_race;
        }
        if (!exists && w.phase == Phase::claim && w.value) {
            made.emplace_back(w.key, revision);
        }
    }
    return Applied::done;
}

void back_off(int attempt) {
    static thread_local std::mt19937 random{std::random_device{}()};
    const int ceiling = 1 << std::min(attempt, 6);
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int>(50, 50 + 250 * ceiling)(random)));
}

}  // namespace

Expected<Materialized> current(Bucket& bucket, bool need_config) {
    if (auto synced = bucket.sync(); !synced) {
        return std::unexpected(synced.error());
    }
    auto m = materialize(bucket.keys(), bucket.connection().label());
    if (m && need_config && !m->has_config) {
        const std::string& label = bucket.connection().label();
        return fail(ErrorCode::not_found, fmt::format("store {} holds no registry", label),
                    Hint{HintKind::init_store, label});
    }
    return m;
}

Expected<void> run_transaction(Bucket& bucket, const RegistryChange& change,
                               std::uint64_t& txn_counter, bool replacing, bool dry_run) {
    const std::string& label = bucket.connection().label();
    for (int attempt = 0; attempt < k_max_attempts; ++attempt) {
        auto m = current(bucket, !replacing);
        if (!m) {
            return std::unexpected(m.error());
        }
        Registry base = m->registry;
        base.released.insert(base.released.end(), m->held.begin(), m->held.end());
        PortAllocator allocator(base);
        allocator.prune_expired(
            std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
        const auto start = allocator.revision();
        if (auto changed = change(allocator); !changed) {
            Error error = changed.error();
            error.message = fmt::format("store {}: {}", label, error.message);
            return std::unexpected(std::move(error));
        }
        if ((allocator.revision() == start && !replacing) || dry_run) {
            return {};  // nothing changed, or a dry run (a replacing change makes a new
                        // allocator: compared below)
        }
        // Only the entries the change touched are encoded: the cost follows the change.
        auto changes = changed_keys(base, allocator.registry(), !m->has_config);
        if (!changes) {
            return std::unexpected(changes.error());
        }
        const auto writes = plan(*changes, BeforeValues(bucket.keys(), m->held));
        if (writes.empty()) {
            return {};
        }
        auto applied = apply(bucket, writes, new_txn(txn_counter));
        if (!applied || *applied == Applied::done) {
            return applied ? Expected<void>{} : std::unexpected(applied.error());
        }
        back_off(attempt);
    }
    return fail(ErrorCode::conflict,
                fmt::format("store {}: {} attempts in a row lost a race with other writers", label,
                            k_max_attempts));
}

std::string hosts_bucket(const StoreUrl& url) {
    return url.bucket + "-hosts";
}

}  // namespace harmony::network::fleet
