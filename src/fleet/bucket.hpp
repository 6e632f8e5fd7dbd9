// One JetStream KV bucket: a cache of every key kept current by a watcher, and writes that
// are compare-and-set on a key's revision.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "fleet/connection.hpp"
#include "fleet/layout.hpp"

namespace harmony::network::fleet {

// How a compare-and-set write ended.
enum class WriteOutcome { done, lost_race };

struct BucketConfig {
    int replicas = 1;
    std::chrono::seconds max_age{0};  // 0: values never expire
};

class Bucket {
  public:
    // Binds an existing bucket. Error: not_found (hint init_store) when there is none.
    static Expected<std::unique_ptr<Bucket>> open(Connection& connection, std::string name);
    // Binds the bucket, creating it with `config` when missing; `created` says which.
    static Expected<std::unique_ptr<Bucket>> create(Connection& connection, std::string name,
                                                    const BucketConfig& config, bool& created);
    ~Bucket();
    Bucket(const Bucket&) = delete;
    Bucket& operator=(const Bucket&) = delete;

    // Brings the cache up to the bucket's last revision (the first call loads every key).
    Expected<void> sync();
    [[nodiscard]] const RawMap& keys() const { return m_keys; }
    [[nodiscard]] std::uint64_t revision() const { return m_delivered; }

    // Writes `value` (nullopt: a delete marker) at `key` if the key's revision is still
    // `expected` (0: the key never held a value). A write left unanswered is read back: the
    // value it finds decides, by the token `txn` the value carries. `stream_at` (0: any) also
    // requires the bucket's last revision to be exactly that: nothing else written since.
    // Errors: the connection's; permission_denied when the server refused the publish.
    Expected<WriteOutcome> write(const std::string& key, const std::optional<std::string>& value,
                                 std::uint64_t expected, std::string_view txn,
                                 std::uint64_t& revision, std::uint64_t stream_at = 0);

    // Writes `value` at `key` whatever it held (host reports).
    Expected<void> put(const std::string& key, std::string_view value);

    [[nodiscard]] kvStore* kv() const { return m_kv; }
    [[nodiscard]] Connection& connection() const { return m_connection; }

  private:
    Bucket(Connection& connection, std::string name, kvStore* kv)
        : m_connection(connection), m_name(std::move(name)), m_kv(kv) {}
    Expected<void> load();
    // One watcher's values up to revision `last`: the first within first_wait_ms, all by
    // `deadline`.
    natsStatus load_once(std::uint64_t last, std::int64_t first_wait_ms, std::int64_t deadline);
    void apply(kvEntry* entry);
    Expected<std::uint64_t> last_sequence();
    Expected<WriteOutcome> read_back(const std::string& key,
                                     const std::optional<std::string>& value, std::string_view txn,
                                     std::uint64_t& revision);

    Connection& m_connection;
    std::string m_name;
    kvStore* m_kv = nullptr;
    kvWatcher* m_watcher = nullptr;
    RawMap m_keys;
    std::uint64_t m_delivered = 0;  // the highest revision the watcher delivered
};

}  // namespace harmony::network::fleet
