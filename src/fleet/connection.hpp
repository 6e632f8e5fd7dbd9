// A connection to a NATS server (or cluster) with JetStream, and the errors it speaks in.
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include <nats/nats.h>

#include <harmony/network/fleet_store.hpp>

namespace harmony::network::fleet {

// The last asynchronous error the server sent (a permissions violation arrives this way).
struct AsyncErrors {
    std::mutex mutex;
    std::string last;
    natsStatus status = NATS_OK;
};

class Connection {
  public:
    // Connects to every server of `options.url` within options.timeout. Errors: see
    // FleetRegistryStore::open.
    static Expected<std::unique_ptr<Connection>> open(const FleetOptions& options);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    [[nodiscard]] jsCtx* js() const { return m_js; }
    [[nodiscard]] const StoreUrl& url() const { return m_url; }
    // The redacted URL with the bucket, for every message.
    [[nodiscard]] const std::string& label() const { return m_label; }
    [[nodiscard]] std::int64_t timeout_ms() const { return m_timeout_ms; }
    // One request's wait: short, so a request lost to a cluster electing a new leader is
    // asked again while the timeout lasts (see retrying).
    [[nodiscard]] std::int64_t attempt_ms() const {
        return std::min<std::int64_t>(m_timeout_ms, 1500);
    }

    // An Error for a failed libnats call: the code for `status`, "LABEL: WHAT: CAUSE" with
    // every credential removed from the cause.
    [[nodiscard]] Error error(natsStatus status, std::string_view what) const;
    // permission_denied for a write, when the server reported a permissions violation since
    // the last call (then cleared): it answers a denied publish only that way.
    [[nodiscard]] std::optional<Error> write_denial() const;

  private:
    Connection() = default;
    std::string m_label;
    StoreUrl m_url;
    std::string m_secret;  // password or token, scrubbed from every cause
    natsOptions* m_options = nullptr;
    natsConnection* m_connection = nullptr;
    jsCtx* m_js = nullptr;
    std::int64_t m_timeout_ms = 5000;
    std::unique_ptr<AsyncErrors> m_async = std::make_unique<AsyncErrors>();
};

// Calls `request` until it returns anything but a timeout or `timeout_ms` has passed.
template <typename Request>
natsStatus retrying(std::int64_t timeout_ms, Request&& request) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    natsStatus s = request();
    while ((s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS) && Clock::now() < deadline) {
        s = request();
    }
    return s;
}

// The same message shape for errors found before a connection exists.
Error store_error(ErrorCode code, std::string_view label, std::string_view what,
                  std::string_view cause);

}  // namespace harmony::network::fleet
