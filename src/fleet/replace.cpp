// Replacing the whole registry in one step: the parts, the commit, and finishing a committed
// replacement (docs/ARCHITECTURE.md, "Replacing the registry in one step").
#include <fmt/format.h>

#include "fleet/store_impl.hpp"

namespace harmony::network::fleet {
namespace {

struct Step {
    std::string key;
    std::optional<std::string> value;  // nullopt: the key goes
    std::uint64_t expected = 0;
};

// What is left to make the registry keys hold exactly `target`.
std::vector<Step> steps_to(const RawMap& raw, const Encoded& target) {
    std::vector<Step> steps;
    for (const auto& [key, entry] : raw) {
        if (!entry.deleted && registry_key(key) && !target.contains(key)) {
            steps.push_back({key, std::nullopt, entry.revision});
        }
    }
    for (const auto& [key, value] : target) {
        auto entry = raw.find(key);
        if (entry == raw.end()) {
            steps.push_back({key, value, 0});
        } else if (entry->second.deleted || canonical_of(entry->second.value) != value) {
            steps.push_back({key, value, entry->second.revision});
        }
    }
    return steps;
}

// Removes the parts of intent `txn` (whoever wrote them: they are no longer read).
Expected<void> drop_parts(Bucket& bucket, std::string_view txn) {
    for (std::size_t n = 0;; ++n) {
        const std::string key = intent_part_key(txn, n);
        auto entry = bucket.keys().find(key);
        if (entry == bucket.keys().end()) {
            return {};
        }
        if (entry->second.deleted) {
            continue;
        }
        std::uint64_t ignored = 0;
        auto done = bucket.write(key, std::nullopt, entry->second.revision, txn, ignored);
        if (!done) {
            return std::unexpected(done.error());
        }
    }
}

// One pass of finishing `intent`; lost_race when another writer changed a key first.
Expected<WriteOutcome> roll_forward_once(Bucket& bucket, const Intent& intent,
                                         std::string_view txn) {
    for (const auto& step : steps_to(bucket.keys(), intent.target)) {
        std::uint64_t revision = 0;
        auto done = bucket.write(
            step.key, step.value ? std::optional(with_txn(*step.value, txn)) : step.value,
            step.expected, txn, revision);
        if (!done || *done == WriteOutcome::lost_race) {
            return done;
        }
    }
    std::uint64_t revision = 0;
    auto done =
        bucket.write(std::string(k_intent_key), std::nullopt, intent.revision, txn, revision);
    if (!done || *done == WriteOutcome::lost_race) {
        return done;
    }
    auto dropped = drop_parts(bucket, intent.txn);
    return dropped ? Expected<WriteOutcome>(WriteOutcome::done) : std::unexpected(dropped.error());
}

}  // namespace

Expected<void> finish_intent(Bucket& bucket, std::string_view txn) {
    for (int attempt = 0; attempt < k_max_attempts; ++attempt) {
        if (auto synced = bucket.sync(); !synced) {
            return std::unexpected(synced.error());
        }
        std::vector<Leftover> ignored;
        auto intent = committed_intent(bucket.keys(), bucket.connection().label(), ignored);
        if (!intent) {
            return {};
        }
        auto done = roll_forward_once(bucket, *intent, txn);
        if (!done) {
            return std::unexpected(done.error());
        }
        if (*done == WriteOutcome::lost_race) {
            back_off(attempt);
        }
    }
    return std::unexpected(lost_every_race(bucket.connection().label()));
}

namespace {

Expected<void> write_parts(Bucket& bucket, const std::vector<std::string>& parts,
                           std::string_view txn) {
    for (std::size_t n = 0; n < parts.size(); ++n) {
        std::uint64_t revision = 0;
        auto done = bucket.write(intent_part_key(txn, n), parts[n], 0, txn, revision);
        if (!done) {
            return std::unexpected(done.error());
        }
        if (*done == WriteOutcome::lost_race) {
            return fail(ErrorCode::conflict,
                        fmt::format("store {}: key {} is taken", bucket.connection().label(),
                                    intent_part_key(txn, n)));
        }
    }
    return {};
}

// Commits the parts as intent `txn` if nothing was written since the state `allowed` passed.
Expected<WriteOutcome> commit(Bucket& bucket, const ReplaceCheck& allowed, std::size_t parts,
                              std::size_t keys, std::string_view txn) {
    auto m = current(bucket, false);
    if (!m) {
        return std::unexpected(m.error());
    }
    if (m->intent) {  // another replacement came first: finish it, then judge again
        auto finished = finish_intent(bucket, txn);
        return finished ? Expected<WriteOutcome>(WriteOutcome::lost_race)
                        : std::unexpected(finished.error());
    }
    if (auto ok = allowed(*m); !ok) {
        return std::unexpected(ok.error());
    }
    auto intent = bucket.keys().find(k_intent_key);
    const std::uint64_t expected = intent == bucket.keys().end() ? 0 : intent->second.revision;
    std::uint64_t revision = 0;
    return bucket.write(std::string(k_intent_key), intent_value(txn, parts, keys), expected, txn,
                        revision, bucket.revision());
}

}  // namespace

Expected<void> replace_registry(Bucket& bucket, const Registry& next, const ReplaceCheck& allowed,
                                std::string_view txn) {
    auto target = encode(next);
    if (!target) {
        return std::unexpected(target.error());
    }
    const auto parts = intent_parts(*target);
    if (auto written = write_parts(bucket, parts, txn); !written) {
        return written;
    }
    for (int attempt = 0; attempt < k_max_attempts; ++attempt) {
        auto committed = commit(bucket, allowed, parts.size(), target->size(), txn);
        if (!committed) {
            (void)drop_parts(bucket, txn);  // refused or failed: the parts are never read
            return std::unexpected(committed.error());
        }
        if (*committed == WriteOutcome::done) {
            return finish_intent(bucket, txn);
        }
        back_off(attempt);
    }
    (void)drop_parts(bucket, txn);
    return std::unexpected(lost_every_race(bucket.connection().label()));
}

}  // namespace harmony::network::fleet
