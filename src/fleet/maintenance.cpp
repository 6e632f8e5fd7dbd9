// store repair, watch, and the hosts' reports.
#include <harmony/network/fleet_store.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleet/store_impl.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

using fleet::Leftover;

// The server's time now, in ns: the time it gives a write of the clock key (a dry run, which
// writes nothing, takes the newest write the bucket holds: never later than now).
Expected<std::int64_t> server_now(fleet::Bucket& bucket, std::string_view txn, bool dry_run) {
    if (!dry_run) {
        const std::string clock(fleet::k_clock_key);
        if (auto put = bucket.put(clock, fmt::format("{{\"txn\":\"{}\"}}", txn)); !put) {
            return std::unexpected(put.error());
        }
        if (auto synced = bucket.sync(); !synced) {
            return std::unexpected(synced.error());
        }
        auto written = bucket.keys().find(clock);
        if (written != bucket.keys().end() && written->second.created_ns > 0) {
            return written->second.created_ns;
        }
    }
    std::int64_t newest = 0;
    for (const auto& [key, entry] : bucket.keys()) {
        newest = std::max(newest, entry.created_ns);
    }
    return newest;
}

// One repair: the bucket, its token, and what it did.
struct Repair {
    fleet::Bucket& bucket;
    std::string txn;
    bool dry_run = false;
    RepairReport& report;

    // Deletes `key` if it still holds the revision this repair read; false when it changed
    // meanwhile.
    Expected<bool> remove(const std::string& key) {
        auto raw = bucket.keys().find(key);
        if (raw == bucket.keys().end() || raw->second.deleted) {
            return true;
        }
        return write(key, std::nullopt, raw->second.revision);
    }
    Expected<bool> write(const std::string& key, const std::optional<std::string>& value,
                         std::uint64_t expected) {
        if (dry_run) {
            return true;
        }
        std::uint64_t revision = 0;
        auto done = bucket.write(key, value, expected, txn, revision);
        if (!done) {
            return std::unexpected(done.error());
        }
        return *done == fleet::WriteOutcome::done;
    }
    // Changes name.SERVICE's revision (the same value, or a delete marker where there is no
    // record), so that a transaction of the service still running loses its race there and
    // cannot report done on claims this repair removes. False when it changed meanwhile.
    Expected<bool> fence(const std::string& service) {
        const std::string key = fleet::name_key(service);
        auto raw = bucket.keys().find(key);
        if (raw == bucket.keys().end()) {
            return write(key, std::nullopt, 0);
        }
        const auto value = raw->second.deleted ? std::nullopt : std::optional(raw->second.value);
        return write(key, value, raw->second.revision);
    }
    void did(const Leftover& left, std::string what) {
        report.actions.push_back(
            {util::printable_text(left.key, 200), left.service, std::move(what)});
    }
};

// A record whose claims are gone or quarantined: its service was being released. Its claims
// that still name it go to quarantine (it may have listened there), then the record goes.
Expected<void> finish_release(Repair& repair, const Leftover& record, int quarantine_days,
                              std::int64_t now_ns) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(
        TimePoint{} + std::chrono::nanoseconds{now_ns});
    const Released released{record.service,
                            *record.ports,
                            record.protocols,
                            now,
                            now + std::chrono::days{quarantine_days},
                            {}};
    const std::string prefix = fmt::format("{{\"service\":\"{}\"", record.service);
    for (const auto& [key, value] : fleet::encode_released({released})) {
        auto raw = repair.bucket.keys().find(key);
        if (raw == repair.bucket.keys().end() || raw->second.deleted ||
            !raw->second.value.starts_with(prefix)) {
            continue;
        }
        auto moved = repair.write(key, fleet::with_txn(value, repair.txn), raw->second.revision);
        if (!moved) {
            return std::unexpected(moved.error());
        }
        if (*moved) {
            repair.did(Leftover{Leftover::Kind::orphan_claim, key, record.service, {}, {}, 0, {}},
                       "claim moved to quarantine");
        }
    }
    auto removed = repair.remove(record.key);
    if (!removed) {
        return std::unexpected(removed.error());
    }
    if (*removed) {
        repair.did(record, "incomplete record removed");
    } else {
        ++repair.report.kept_changed;
    }
    return {};
}

// Orphan claims of one service, behind a fence on its record key.
Expected<void> remove_orphans(Repair& repair, const std::string& service,
                              const std::vector<const Leftover*>& claims) {
    auto fenced = repair.fence(service);
    if (!fenced) {
        return std::unexpected(fenced.error());
    }
    for (const Leftover* left : claims) {
        auto removed = *fenced ? repair.remove(left->key) : Expected<bool>(false);
        if (!removed) {
            return std::unexpected(removed.error());
        }
        if (!*removed) {
            ++repair.report.kept_changed;
            continue;
        }
        repair.did(*left, fmt::format("orphan claim on {} removed", fleet::ports_text(*left)));
    }
    return {};
}

// A key this store never writes, or a part of a replacement never committed.
Expected<void> remove_stray(Repair& repair, const Leftover& left) {
    auto removed = repair.remove(left.key);
    if (!removed) {
        return std::unexpected(removed.error());
    }
    if (!*removed) {
        ++repair.report.kept_changed;
    } else if (left.kind == Leftover::Kind::invalid_key) {
        repair.did(left, fmt::format("unreadable key removed ({})",
                                     util::printable_text(left.problem, 300)));
    } else {
        repair.did(left, "part of a replacement never committed removed");
    }
    return {};
}

// The leftovers old enough to repair, by kind; the young ones counted.
struct Sorted {
    std::vector<const Leftover*> records;
    std::map<std::string, std::vector<const Leftover*>> orphans;  // by service
    std::vector<const Leftover*> strays;
};

Sorted sort_leftovers(const fleet::Materialized& m, std::int64_t oldest, RepairReport& report) {
    Sorted sorted;
    std::set<std::string> releasing;
    for (const auto& left : m.leftovers) {
        if (left.kind == Leftover::Kind::incomplete_record) {
            releasing.insert(left.service);
        }
    }
    for (const auto& left : m.leftovers) {
        if (left.kind == Leftover::Kind::orphan_claim && releasing.contains(left.service)) {
            continue;  // its record's repair quarantines it
        }
        if (left.created_ns > oldest) {
            ++report.kept_young;
        } else if (left.kind == Leftover::Kind::incomplete_record) {
            sorted.records.push_back(&left);
        } else if (left.kind == Leftover::Kind::orphan_claim) {
            sorted.orphans[left.service].push_back(&left);
        } else {
            sorted.strays.push_back(&left);
        }
    }
    return sorted;
}

Expected<void> repair_sorted(Repair& repair, const Sorted& sorted, int quarantine_days,
                             std::int64_t now_ns) {
    for (const Leftover* record : sorted.records) {
        if (auto done = finish_release(repair, *record, quarantine_days, now_ns); !done) {
            return done;
        }
    }
    for (const auto& [service, claims] : sorted.orphans) {
        if (auto done = remove_orphans(repair, service, claims); !done) {
            return done;
        }
    }
    for (const Leftover* stray : sorted.strays) {
        if (auto done = remove_stray(repair, *stray); !done) {
            return done;
        }
    }
    return {};
}

}  // namespace

Expected<RepairReport> FleetRegistryStore::repair(const RepairOptions& options) {
    fleet::Bucket& bucket = *m_impl->registry;
    RepairReport report;
    Repair repair{bucket, "repair-" + fleet::new_txn(m_impl->txn_counter), options.dry_run, report};
    auto m = fleet::current(bucket, false);
    if (m && m->intent) {
        report.finished_replacement = true;
        if (!options.dry_run) {
            if (auto done = fleet::finish_intent(bucket, repair.txn); !done) {
                return std::unexpected(done.error());
            }
            m = fleet::current(bucket, false);
        }
    }
    if (!m) {
        return std::unexpected(m.error());
    }
    auto now_ns = server_now(bucket, repair.txn, options.dry_run);
    if (!now_ns) {
        return std::unexpected(now_ns.error());
    }
    const std::int64_t oldest = *now_ns - std::chrono::nanoseconds(options.grace).count();
    const Sorted sorted = sort_leftovers(*m, oldest, report);
    if (auto done = repair_sorted(repair, sorted, m->registry.quarantine_days, *now_ns); !done) {
        return std::unexpected(done.error());
    }
    return report;
}

namespace {

StoreEvent event_of(kvEntry* entry) {
    StoreEvent event;
    event.revision = kvEntry_Revision(entry);
    event.time = TimePoint{std::chrono::seconds{kvEntry_Created(entry) / 1'000'000'000}};
    event.key = kvEntry_Key(entry);
    const kvOperation op = kvEntry_Operation(entry);
    const std::string value(static_cast<const char*>(kvEntry_Value(entry)),
                            static_cast<std::size_t>(kvEntry_ValueLen(entry)));
    auto json = nlohmann::json::parse(value, nullptr, false);
    auto text = [&](const char* field) {
        return json.is_object() && json.contains(field) && json[field].is_string()
                   ? json[field].get<std::string>()
                   : std::string();
    };
    if (json.is_object() && json.contains("first") && json["first"].is_number_unsigned() &&
        json.contains("last") && json["last"].is_number_unsigned()) {
        event.ports = PortRange{json["first"].get<Port>(), json["last"].get<Port>()};
    }
    if (auto p = parse_protocols(text("protocols"))) {
        event.protocols = *p;
    }
    const bool gone = op == kvOp_Delete || op == kvOp_Purge;
    if (event.key == fleet::k_intent_key) {
        event.kind = gone ? "replaced" : "replacing";
    } else if (event.key == fleet::k_config_key) {
        event.kind = "config";
    } else if (event.key.starts_with("name.")) {
        event.kind = gone ? "released" : "allocated";
        event.name = event.key.substr(5);
    } else {
        event.kind = gone ? "unclaimed" : json.contains("released") ? "quarantined" : "claimed";
        event.name = json.contains("released") ? text("released") : text("service");
        if (!event.protocols) {
            event.protocols = event.key.starts_with("port.udp.") ? Protocols::udp : Protocols::tcp;
        }
    }
    return event;
}

}  // namespace

Expected<void> FleetRegistryStore::watch(const std::function<bool(const StoreEvent&)>& on_event,
                                         const std::function<bool()>& should_stop) {
    fleet::Connection& connection = *m_impl->connection;
    kvWatcher* watcher = nullptr;
    kvWatchOptions options;
    kvWatchOptions_Init(&options);
    options.Timeout = connection.timeout_ms();
    natsStatus s = kvStore_WatchAll(&watcher, m_impl->registry->kv(), &options);
    bool initial = true;  // values that existed before: not changes
    bool more = true;
    while (s == NATS_OK && more && !should_stop()) {
        kvEntry* entry = nullptr;
        s = kvWatcher_Next(&entry, watcher, 200);
        if (s == NATS_TIMEOUT) {
            s = NATS_OK;
            continue;
        }
        if (s == NATS_OK && entry == nullptr) {
            initial = false;
        } else if (s == NATS_OK) {
            // The clock and a replacement's parts are the store's plumbing, not changes.
            const std::string_view key = kvEntry_Key(entry);
            const bool plumbing = key == fleet::k_clock_key || key.starts_with("intent.");
            more = initial || plumbing || on_event(event_of(entry));
            kvEntry_Destroy(entry);
        }
    }
    kvWatcher_Destroy(watcher);
    if (s != NATS_OK) {
        return std::unexpected(connection.error(s, "stopped delivering changes"));
    }
    return {};
}

namespace {

bool host_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

Expected<fleet::Bucket*> hosts_of(FleetRegistryStore::Impl& impl) {
    if (!impl.hosts) {
        bool created = false;
        const fleet::BucketConfig config{1, std::chrono::hours{24}};
        auto bucket = fleet::Bucket::create(
            *impl.connection, fleet::hosts_bucket(impl.connection->url()), config, created);
        if (!bucket) {
            return std::unexpected(bucket.error());
        }
        impl.hosts = std::move(*bucket);
    }
    return impl.hosts.get();
}

}  // namespace

Expected<void> FleetRegistryStore::put_host_report(std::string_view host, std::string_view value) {
    if (host.empty() || host.size() > 253 ||
        !std::all_of(host.begin(), host.end(), host_key_char) || host.front() == '.' ||
        host.back() == '.') {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid host name '{}': expected 1-253 characters of A-Z a-z "
                                "0-9 . _ -",
                                util::printable_text(host)));
    }
    auto bucket = hosts_of(*m_impl);
    if (!bucket) {
        return std::unexpected(bucket.error());
    }
    return (*bucket)->put(std::string(host), value);
}

Expected<std::vector<HostReportEntry>> FleetRegistryStore::host_reports() {
    auto bucket = hosts_of(*m_impl);
    if (!bucket) {
        return std::unexpected(bucket.error());
    }
    if (auto synced = (*bucket)->sync(); !synced) {
        return std::unexpected(synced.error());
    }
    std::vector<HostReportEntry> reports;
    for (const auto& [host, entry] : (*bucket)->keys()) {
        if (!entry.deleted) {
            reports.push_back({host, entry.value, entry.revision,
                               TimePoint{std::chrono::seconds{entry.created_ns / 1'000'000'000}}});
        }
    }
    return reports;
}

}  // namespace harmony::network
