// store repair, watch, and the hosts' reports.
#include <harmony/network/fleet_store.hpp>

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleet/store_impl.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

std::int64_t now_ns() {
    using namespace std::chrono;
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

std::string ports_text(const fleet::Leftover& left) {
    return fmt::format("{}/{}", left.ports ? left.ports->first : 0, to_string(left.protocols));
}

// A record whose claims are gone or quarantined: its service was being released. Its claims
// that still name it go to quarantine (it may have listened there), then the record goes.
Expected<void> finish_release(fleet::Bucket& bucket, const fleet::Leftover& record,
                              int quarantine_days, std::string_view txn,
                              std::vector<RepairAction>& actions) {
    const auto now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const Released released{record.service,
                            *record.ports,
                            record.protocols,
                            now,
                            now + std::chrono::days{quarantine_days},
                            {}};
    for (const auto& [key, value] : fleet::encode_released({released})) {
        auto raw = bucket.keys().find(key);
        if (raw == bucket.keys().end() || raw->second.deleted ||
            !raw->second.value.starts_with(fmt::format("{{\"service\":\"{}\"", record.service))) {
            continue;
        }
        std::uint64_t revision = 0;
        auto done =
            bucket.write(key, fleet::with_txn(value, txn), raw->second.revision, txn, revision);
        if (!done) {
            return std::unexpected(done.error());
        }
        actions.push_back({key, record.service, "claim moved to quarantine"});
    }
    return {};
}

}  // namespace

Expected<RepairReport> FleetRegistryStore::repair(const RepairOptions& options) {
    fleet::Bucket& bucket = *m_impl->registry;
    auto m = fleet::current(bucket, true);
    if (!m) {
        return std::unexpected(m.error());
    }
    RepairReport report;
    const std::int64_t oldest = now_ns() - std::chrono::nanoseconds(options.grace).count();
    const std::string txn = fmt::format("repair-{}", now_ns());
    std::set<std::string> releasing;
    for (const auto& left : m->leftovers) {
        if (left.kind == fleet::Leftover::Kind::incomplete_record) {
            releasing.insert(left.service);
        }
    }
    for (const auto& left : m->leftovers) {
        const bool record = left.kind == fleet::Leftover::Kind::incomplete_record;
        if (!record && releasing.contains(left.service)) {
            continue;  // its record's repair quarantines it
        }
        if (left.created_ns > oldest) {
            ++report.kept_young;
            continue;
        }
        if (!options.dry_run && record) {
            auto done =
                finish_release(bucket, left, m->registry.quarantine_days, txn, report.actions);
            if (!done) {
                return std::unexpected(done.error());
            }
        }
        const auto raw = bucket.keys().find(left.key);
        if (!options.dry_run && raw != bucket.keys().end()) {
            std::uint64_t revision = 0;
            auto done = bucket.write(left.key, std::nullopt, raw->second.revision, txn, revision);
            if (!done) {
                return std::unexpected(done.error());
            }
        }
        report.actions.push_back(
            {left.key, left.service,
             record ? "incomplete record removed"
                    : fmt::format("orphan claim on {} removed", ports_text(left))});
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
    if (event.key == fleet::k_config_key) {
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
            more = initial || on_event(event_of(entry));
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
