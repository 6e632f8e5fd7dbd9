// The fleet store: the registry in a NATS JetStream key-value bucket, shared by every host and
// cluster of a fleet, with the same deterministic rule and the same results as the file store.
// Key layout and why claims are linearizable: docs/ARCHITECTURE.md, "The fleet store".
//
//   auto store = harmony::network::FleetRegistryStore::open({.url = "nats://h1:4222,h2:4222"});
//   auto port = (*store)->update([](auto& ports) { return ports.allocate("ntfy"); });
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/registry.hpp>
#include <harmony/network/registry_store.hpp>

namespace harmony::network {

inline constexpr std::string_view k_default_bucket = "harmony-ports";
inline constexpr std::chrono::milliseconds k_default_store_timeout{5000};

// One server of a store URL.
struct StoreServer {
    std::string host;
    Port port = 4222;
};

// A parsed store URL: nats://[USER:PASSWORD@]HOST:PORT[,HOST:PORT...][/BUCKET], or tls://.
struct StoreUrl {
    bool tls = false;
    std::vector<StoreServer> servers;
    std::string user;
    std::string password;
    std::string bucket = std::string(k_default_bucket);
};

// Parses a store URL. Error: invalid_argument naming the column of the bad part (the message
// shows the URL redacted).
Expected<StoreUrl> parse_store_url(std::string_view text);

// The URL for messages: the password (or a lone user field, which may be a token) shown as
// "***". Works on any text, parseable or not, so no message can leak a credential.
std::string redact_store_url(std::string_view text);

// The store URL the environment names (HARMONY_PORTS_STORE), or empty.
std::string store_url_from_environment();

// How to reach the store.
struct FleetOptions {
    std::string url;                   // as given (parsed by open)
    std::filesystem::path creds{};     // a NATS .creds file (user JWT and seed)
    std::filesystem::path tls_ca{};    // CA bundle that signs the servers' certificates
    std::filesystem::path tls_cert{};  // client certificate (with tls_key)
    std::filesystem::path tls_key{};
    std::string token{};  // empty: HARMONY_PORTS_STORE_TOKEN when set
    std::chrono::milliseconds timeout = k_default_store_timeout;  // per request and to connect
};

// What `store init` creates and loads.
struct StoreInitOptions {
    int replicas = 1;                  // 1-5: the bucket's JetStream replicas
    std::optional<Registry> from{};    // unset: the ADR-014 default on `range`
    PortRange range = k_adr014_range;  // the default's range
    bool force = false;                // replace a bucket that already holds a registry
};

struct StoreInitResult {
    bool created_bucket = false;   // false: the bucket existed (init is idempotent)
    bool loaded = false;           // false: the bucket already held this very registry
    bool restored_config = false;  // the bucket had lost its config: only that was written,
                                   // its allocations kept (`registry` is what it holds now)
    Registry registry;
};

// What `store repair` found and, unless dry_run, removed.
struct RepairOptions {
    // Leftovers younger than this may belong to a transaction still running: left alone.
    std::chrono::seconds grace{30};
    bool dry_run = false;
};

struct RepairAction {
    std::string key;   // the bucket key
    std::string name;  // the service it names
    std::string what;  // "orphan claim on 25081/tcp removed", "incomplete record removed",
                       // "unreadable key removed: ...", ...
};

struct RepairReport {
    std::vector<RepairAction> actions;  // done (or, in a dry run, to do)
    std::size_t kept_young = 0;         // leftovers inside the grace period
    std::size_t kept_changed = 0;       // leftovers whose keys changed while repairing
    bool finished_replacement = false;  // a standing replacement (store import) was finished
};

// One change seen by watch().
struct StoreEvent {
    std::uint64_t revision = 0;
    TimePoint time{};
    std::string key;
    std::string kind;  // allocated, released (a record goes), claimed, quarantined, unclaimed
                       // (a claim goes), config, replacing (a whole new registry committed:
                       // its keys follow), replaced (all of them written)
    std::string name;  // the service, when there is one
    std::optional<PortRange> ports;
    std::optional<Protocols> protocols;
};

// A host's report as an agent publishes it (the value is the agent's JSON document).
struct HostReportEntry {
    std::string host;
    std::string value;
    std::uint64_t revision = 0;
    TimePoint written{};  // when the store received it
};

class FleetRegistryStore final : public RegistryStore {
  public:
    // Connects (within options.timeout) and binds the bucket. Errors: invalid_argument (bad
    // URL), io_error (unreachable: names the redacted URL and the cause), permission_denied
    // (authorization failed), not_found (no such bucket; hint init_store).
    static Expected<std::unique_ptr<FleetRegistryStore>> open(const FleetOptions& options);

    // Creates the buckets when missing (idempotent) and loads the registry when the bucket
    // holds none. A bucket that holds one is already_exists (hint overwrite) unless `force`.
    // A bucket that lost its config but holds allocations gets the config back and keeps
    // them (`from` must then hold no allocations or exactly the store's, unless `force`).
    static Expected<StoreInitResult> init(const FleetOptions& options,
                                          const StoreInitOptions& init);

    ~FleetRegistryStore() override;
    FleetRegistryStore(const FleetRegistryStore&) = delete;
    FleetRegistryStore& operator=(const FleetRegistryStore&) = delete;

    // The redacted URL with the bucket: "nats://h1:4222/harmony-ports".
    [[nodiscard]] std::string label() const override;
    Expected<Registry> read() override;
    // Leftovers of interrupted transactions come back as findings (store-orphan-claim,
    // store-incomplete-record), each with hint repair_store.
    Expected<LenientLoad> read_lenient() override;
    // Linearizable: every key it writes is compare-and-set on the revision it read; a lost race
    // re-reads and re-runs `change`; an unanswered write is read back, never retried blind.
    Expected<void> transact(const RegistryChange& change) override;

    // The bucket's revision the last read saw (for export headers).
    [[nodiscard]] std::uint64_t revision() const;

    // Replaces the whole registry (store import) in one step: readers see the old registry or
    // the new one, never a mixture, even when this process stops at any point (a later
    // writer or repair finishes it). Unless `force`, refuses (already_exists, hint overwrite)
    // when an allocation the store holds would go or move, judged on the store as it is when
    // the replacement commits.
    Expected<void> replace(const Registry& registry, bool force = false);

    // Finishes a replacement that stands, then removes what interrupted transactions left:
    // orphan claims, incomplete records (their release is finished), keys this store never
    // writes, parts of replacements never committed. Only what is older than options.grace
    // by the server's clock; a service's leftovers are removed only after a write that makes
    // any transaction of that service still running fail, so nothing it will report done is
    // removed.
    Expected<RepairReport> repair(const RepairOptions& options);

    // Calls on_event for every change after the current revision until it returns false or
    // should_stop() does (asked at least every 200 ms). Errors: the connection's.
    Expected<void> watch(const std::function<bool(const StoreEvent&)>& on_event,
                         const std::function<bool()>& should_stop);

    // Writes this host's report (agents) into the hosts bucket, which expires reports after
    // a day. Error: invalid_argument (host name not a key), the connection's.
    Expected<void> put_host_report(std::string_view host, std::string_view value);
    // Every host's latest report.
    Expected<std::vector<HostReportEntry>> host_reports();

    struct Impl;

  private:
    explicit FleetRegistryStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The store the options name: options.fleet.url, else HARMONY_PORTS_STORE, else the nearest
// harmony.toml's [harmony.network.store] url (when no registry file is named), else the file
// store. Errors: invalid_argument (a registry file and a store both named), the opener's.
Expected<std::unique_ptr<RegistryStore>> open_registry_store(const StoreOptions& options,
                                                             const FleetOptions& fleet);

}  // namespace harmony::network
