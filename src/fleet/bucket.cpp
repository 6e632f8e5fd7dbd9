// The bucket cache and compare-and-set writes (docs/ARCHITECTURE.md, "The fleet store").
#include "fleet/bucket.hpp"

#include <chrono>

#include <fmt/format.h>

namespace harmony::network::fleet {
namespace {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Expected<std::unique_ptr<Bucket>> Bucket::open(Connection& connection, std::string name) {
    kvStore* kv = nullptr;
    const natsStatus s = retrying(connection.timeout_ms(),
                                  [&] { return js_KeyValue(&kv, connection.js(), name.c_str()); });
    if (s == NATS_NOT_FOUND) {
        Error error{
            ErrorCode::not_found,
            fmt::format("store {} holds no registry (no bucket '{}')", connection.label(), name),
            Hint{HintKind::init_store, connection.label()}};
        return std::unexpected(std::move(error));
    }
    if (s != NATS_OK) {
        return std::unexpected(connection.error(s, fmt::format("cannot open bucket '{}'", name)));
    }
    return std::unique_ptr<Bucket>(new Bucket(connection, std::move(name), kv));
}

Expected<std::unique_ptr<Bucket>> Bucket::create(Connection& connection, std::string name,
                                                 const BucketConfig& config, bool& created) {
    created = false;
    auto existing = open(connection, name);
    if (existing || existing.error().code != ErrorCode::not_found) {
        return existing;
    }
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = name.c_str();
    cfg.Description = "harmony-ports registry (ADR-014)";
    cfg.History = 1;
    cfg.Replicas = config.replicas;
    cfg.StorageType = js_FileStorage;
    cfg.TTL = std::chrono::duration_cast<std::chrono::nanoseconds>(config.max_age).count();
    kvStore* kv = nullptr;
    const natsStatus s = js_CreateKeyValue(&kv, connection.js(), &cfg);
    if (s != NATS_OK) {
        return std::unexpected(connection.error(s, fmt::format("cannot create bucket '{}'", name)));
    }
    created = true;
    return std::unique_ptr<Bucket>(new Bucket(connection, std::move(name), kv));
}

Bucket::~Bucket() {
    kvWatcher_Destroy(m_watcher);
    kvStore_Destroy(m_kv);
}

void Bucket::apply(kvEntry* entry) {
    const std::uint64_t revision = kvEntry_Revision(entry);
    m_delivered = std::max(m_delivered, revision);
    RawEntry& slot = m_keys[kvEntry_Key(entry)];
    if (revision == slot.revision) {
        slot.created_ns = kvEntry_Created(entry);  // this process's own write: the server's time
        return;
    }
    if (revision < slot.revision) {
        return;
    }
    const kvOperation op = kvEntry_Operation(entry);
    slot.revision = revision;
    slot.decoded.reset();
    slot.deleted = op == kvOp_Delete || op == kvOp_Purge;
    slot.created_ns = kvEntry_Created(entry);
    slot.value.assign(static_cast<const char*>(kvEntry_Value(entry)),
                      static_cast<std::size_t>(kvEntry_ValueLen(entry)));
}

natsStatus Bucket::load_once(std::uint64_t last, std::int64_t first_wait_ms,
                             std::int64_t deadline) {
    kvWatchOptions options;
    kvWatchOptions_Init(&options);
    options.Timeout = m_connection.attempt_ms();
    natsStatus s = kvStore_WatchAll(&m_watcher, m_kv, &options);
    bool first = true;
    // Done once revision `last` (the stream leader's) has arrived. Not at the end-of-initial-
    // values marker alone: a consumer placed on a replica still catching up after a restart
    // marks the end of what that replica has, an older registry.
    while (s == NATS_OK && m_delivered < last) {
        kvEntry* entry = nullptr;
        const std::int64_t left = std::max<std::int64_t>(1, deadline - now_ms());
        s = kvWatcher_Next(&entry, m_watcher, first ? std::min(first_wait_ms, left) : left);
        first = false;
        if (s == NATS_OK && entry != nullptr) {
            apply(entry);
            kvEntry_Destroy(entry);
        }
    }
    if (s != NATS_OK) {
        kvWatcher_Destroy(m_watcher);
        m_watcher = nullptr;
    }
    return s;
}

Expected<void> Bucket::load() {
    // nats-server 2.9 may place the watcher's consumer on a cluster node that is down, and then
    // nothing arrives: a watcher silent for a second is replaced, until the timeout is spent.
    const std::int64_t deadline = now_ms() + m_connection.timeout_ms();
    natsStatus s = NATS_TIMEOUT;
    while (s != NATS_OK && now_ms() < deadline) {
        auto last = last_sequence();
        if (!last) {
            return std::unexpected(last.error());
        }
        m_keys.clear();
        m_delivered = 0;
        s = load_once(*last, 1000, deadline);
    }
    if (s != NATS_OK) {
        return std::unexpected(m_connection.error(s, "did not deliver the registry"));
    }
    return {};
}

Expected<std::uint64_t> Bucket::last_sequence() {
    jsStreamInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const std::string stream = "KV_" + m_name;
    const natsStatus s = retrying(m_connection.timeout_ms(), [&] {
        return js_GetStreamInfo(&info, m_connection.js(), stream.c_str(), nullptr, &code);
    });
    if (s != NATS_OK) {
        return std::unexpected(m_connection.error(s, "did not answer"));
    }
    const std::uint64_t last = info->State.LastSeq;
    jsStreamInfo_Destroy(info);
    return last;
}

Expected<void> Bucket::sync() {
    if (m_watcher == nullptr) {
        return load();
    }
    auto last = last_sequence();
    if (!last) {
        return std::unexpected(last.error());
    }
    const std::int64_t deadline = now_ms() + m_connection.timeout_ms();
    while (m_delivered < *last) {
        kvEntry* entry = nullptr;
        const natsStatus s =
            kvWatcher_Next(&entry, m_watcher, std::max<std::int64_t>(1, deadline - now_ms()));
        if (s != NATS_OK) {
            // The watcher fell behind for good (a server restart): start over from the bucket.
            kvWatcher_Destroy(m_watcher);
            m_watcher = nullptr;
            return load();
        }
        if (entry != nullptr) {
            apply(entry);
            kvEntry_Destroy(entry);
        }
    }
    return {};
}

Expected<WriteOutcome> Bucket::write(const std::string& key,
                                     const std::optional<std::string>& value,
                                     std::uint64_t expected, std::string_view txn,
                                     std::uint64_t& revision, std::uint64_t stream_at) {
    const std::string subject = fmt::format("$KV.{}.{}", m_name, key);
    natsMsg* msg = nullptr;
    natsStatus s = natsMsg_Create(&msg, subject.c_str(), nullptr, value ? value->data() : nullptr,
                                  value ? static_cast<int>(value->size()) : 0);
    if (s == NATS_OK && !value) {
        s = natsMsgHeader_Set(msg, "KV-Operation", "DEL");
    }
    jsPubOptions options;
    jsPubOptions_Init(&options);
    options.MaxWait = m_connection.attempt_ms();
    options.ExpectLastSubjectSeq = expected;
    options.ExpectNoMessage = expected == 0;
    options.ExpectLastSeq = stream_at;
    jsPubAck* ack = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    if (s == NATS_OK) {
        s = js_PublishMsg(&ack, m_connection.js(), msg, &options, &code);
    }
    natsMsg_Destroy(msg);
    if (s == NATS_OK) {
        revision = ack->Sequence;
        jsPubAck_Destroy(ack);
        // The server's time arrives with the watcher (0 until then: sync() waits for it).
        m_keys[key] = RawEntry{value.value_or(std::string()), revision, !value, 0};
        return WriteOutcome::done;
    }
    if (code == JSStreamWrongLastSequenceErr) {
        return WriteOutcome::lost_race;
    }
    if (auto denied = m_connection.write_denial()) {
        return std::unexpected(std::move(*denied));
    }
    if (s == NATS_TIMEOUT) {
        return read_back(key, value, txn, revision);
    }
    return std::unexpected(m_connection.error(s, "refused a write"));
}

Expected<WriteOutcome> Bucket::read_back(const std::string& key,
                                         const std::optional<std::string>& value,
                                         std::string_view txn, std::uint64_t& revision) {
    kvEntry* entry = nullptr;
    const natsStatus s =
        retrying(m_connection.timeout_ms(), [&] { return kvStore_Get(&entry, m_kv, key.c_str()); });
    if (s == NATS_NOT_FOUND) {
        return value ? WriteOutcome::lost_race : WriteOutcome::done;  // a delete either way
    }
    if (s != NATS_OK) {
        return std::unexpected(m_connection.error(
            s,
            fmt::format("did not answer a write of {}, nor say afterwards whether it took", key)));
    }
    const std::string found(static_cast<const char*>(kvEntry_Value(entry)),
                            static_cast<std::size_t>(kvEntry_ValueLen(entry)));
    revision = kvEntry_Revision(entry);
    kvEntry_Destroy(entry);
    const bool ours = value && txn_of(found) == txn;
    return ours ? WriteOutcome::done : WriteOutcome::lost_race;
}

Expected<void> Bucket::put(const std::string& key, std::string_view value) {
    const natsStatus s =
        kvStore_Put(nullptr, m_kv, key.c_str(), value.data(), static_cast<int>(value.size()));
    if (s != NATS_OK) {
        if (auto denied = m_connection.write_denial()) {
            return std::unexpected(std::move(*denied));
        }
        return std::unexpected(m_connection.error(s, fmt::format("refused a write of {}", key)));
    }
    return {};
}

}  // namespace harmony::network::fleet
