// The fleet store's transaction: read, change, write the difference with compare-and-set.
#include <algorithm>
#include <random>
#include <thread>

#include <fmt/format.h>

#include <harmony/network/allocator.hpp>

#include "fleet/store_impl.hpp"

namespace harmony::network::fleet {
namespace {

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

// Takes back the claims this attempt created, so a lost race leaves no leftover.
void roll_back(Bucket& bucket, const std::vector<std::pair<std::string, std::uint64_t>>& made,
               std::string_view txn) {
    for (const auto& [key, revision] : made) {
        std::uint64_t ignored = 0;
        (void)bucket.write(key, std::nullopt, revision, txn, ignored);
    }
}

// Every key an attempt wrote, with the revision its write got.
using Written = std::vector<std::pair<std::string, std::uint64_t>>;

enum class Applied { done, lost_race };

Expected<Applied> apply(Bucket& bucket, const std::vector<PlannedWrite>& writes,
                        std::string_view txn, Written& written) {
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
        written.emplace_back(w.key, revision);
        if (!exists && w.phase == Phase::claim && w.value) {
            made.emplace_back(w.key, revision);
        }
    }
    return Applied::done;
}

// Whether the attempt that wrote `written` from the state at revision `base` stands: every
// key still holds its write and no replacement was committed since. Only then may a caller
// be told it is done (store import and repair may change keys between two of its writes).
Expected<bool> stands(Bucket& bucket, const Written& written, std::uint64_t base) {
    if (auto synced = bucket.sync(); !synced) {
        return std::unexpected(synced.error());
    }
    const RawMap& keys = bucket.keys();
    auto intent = keys.find(k_intent_key);
    if (intent != keys.end() && intent->second.revision > base) {
        return false;
    }
    return std::all_of(written.begin(), written.end(), [&](const auto& w) {
        auto key = keys.find(w.first);
        return key != keys.end() && key->second.revision == w.second;
    });
}

// The not_found error of a bucket without a registry config.
Error no_config(const Materialized& m, const std::string& label) {
    const std::size_t kept = m.registry.allocations.size();
    if (!holds_entries(m)) {
        return Error{ErrorCode::not_found, fmt::format("store {} holds no registry", label),
                     Hint{HintKind::init_store, label}};
    }
    return Error{ErrorCode::not_found,
                 fmt::format("store {} has lost its registry config (key config is missing or "
                             "unreadable) but still holds {} allocation{}",
                             label, kept, kept == 1 ? "" : "s"),
                 Hint{HintKind::restore_store, label}};
}

}  // namespace

void back_off(int attempt) {
    static thread_local std::mt19937 random{std::random_device{}()};
    const int ceiling = 1 << std::min(attempt, 6);
    std::this_thread::sleep_for(std::chrono::microseconds(
        std::uniform_int_distribution<int>(50, 50 + 250 * ceiling)(random)));
}

Error lost_every_race(std::string_view label) {
    return Error{ErrorCode::conflict,
                 fmt::format("store {}: {} attempts in a row lost a race with other writers", label,
                             k_max_attempts),
                 {}};
}

std::string new_txn(std::uint64_t& counter) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{:016x}{:04x}", random(), ++counter & 0xffffU);
}

Expected<Materialized> current(Bucket& bucket, bool need_config) {
    if (auto synced = bucket.sync(); !synced) {
        return std::unexpected(synced.error());
    }
    auto m = materialize(bucket.keys(), bucket.connection().label());
    if (need_config && !m.has_config) {
        return std::unexpected(no_config(m, bucket.connection().label()));
    }
    return m;
}

namespace {

// The change applied to the registry `m` holds; nullopt when nothing is to be written.
Expected<std::optional<KeyChanges>> changes_of(const Materialized& m, const RegistryChange& change,
                                               bool restoring_config, const std::string& label) {
    Registry base = m.registry;
    base.released.insert(base.released.end(), m.held.begin(), m.held.end());
    PortAllocator allocator(base);
    allocator.prune_expired(
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    const auto start = allocator.revision();
    if (auto changed = change(allocator); !changed) {
        Error error = changed.error();
        error.message = fmt::format("store {}: {}", label, error.message);
        return std::unexpected(std::move(error));
    }
    if (allocator.revision() == start && !restoring_config) {
        return std::nullopt;  // nothing changed (a restoring change makes a new allocator)
    }
    // Only the entries the change touched are encoded: the cost follows the change.
    auto changes = changed_keys(base, allocator.registry(), !m.has_config);
    if (!changes) {
        return std::unexpected(changes.error());
    }
    return std::move(*changes);
}

}  // namespace

Expected<void> run_transaction(Bucket& bucket, const RegistryChange& change,
                               std::uint64_t& txn_counter, bool restoring_config, bool dry_run) {
    const std::string& label = bucket.connection().label();
    for (int attempt = 0; attempt < k_max_attempts; ++attempt) {
        const std::string txn = new_txn(txn_counter);
        auto m = current(bucket, !restoring_config);
        if (m && m->intent && !dry_run) {
            auto finished = finish_intent(bucket, txn);
            if (!finished) {
                return finished;
            }
            m = current(bucket, !restoring_config);
        }
        if (!m) {
            return std::unexpected(m.error());
        }
        const std::uint64_t base = bucket.revision();
        auto changes = changes_of(*m, change, restoring_config, label);
        if (!changes || !*changes || dry_run) {
            return changes ? Expected<void>{} : std::unexpected(changes.error());
        }
        const auto writes = plan(**changes, BeforeValues(bucket.keys(), m->held));
        if (writes.empty()) {
            return {};
        }
        Written written;
        auto applied = apply(bucket, writes, txn, written);
        if (!applied) {
            return std::unexpected(applied.error());
        }
        if (*applied == Applied::done) {
            auto ok = stands(bucket, written, base);
            if (!ok || *ok) {
                return ok ? Expected<void>{} : std::unexpected(ok.error());
            }
        }
        back_off(attempt);
    }
    return std::unexpected(lost_every_race(label));
}

std::string hosts_bucket(const StoreUrl& url) {
    return url.bucket + "-hosts";
}

}  // namespace harmony::network::fleet
