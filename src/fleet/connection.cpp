// Connecting to the store's servers: credentials, TLS, timeouts, and errors without secrets.
#include "fleet/connection.hpp"

#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "util/printable.hpp"

namespace harmony::network::fleet {
namespace {

ErrorCode code_for(natsStatus status) {
    switch (status) {
        case NATS_CONNECTION_AUTH_FAILED:
        case NATS_NOT_PERMITTED:
            return ErrorCode::permission_denied;
        case NATS_NOT_FOUND:
            return ErrorCode::not_found;
        default:
            return ErrorCode::io_error;
    }
}

// libnats keeps the error text of the calling thread; the status name when there is none.
std::string last_cause(natsStatus status) {
    natsStatus ignored = NATS_OK;
    const char* text = nats_GetLastError(&ignored);
    if (text != nullptr && *text != '\0') {
        std::string_view cause = text;
        // "(conn.c:2088): No server available": the source position is libnats's, not ours.
        if (cause.starts_with('(')) {
            if (const auto end = cause.find("): "); end != std::string_view::npos) {
                cause.remove_prefix(end + 3);
            }
        }
        return std::string(cause);
    }
    return natsStatus_GetText(status);
}

void on_async_error(natsConnection* connection, natsSubscription* /*subscription*/,
                    natsStatus status, void* closure) {
    auto* errors = static_cast<AsyncErrors*>(closure);
    const char* text = nullptr;
    natsConnection_GetLastError(connection, &text);
    const std::lock_guard lock(errors->mutex);
    errors->status = status;
    errors->last = text != nullptr ? text : natsStatus_GetText(status);
}

std::string token_from_environment(const FleetOptions& options) {
    if (!options.token.empty()) {
        return options.token;
    }
    const char* token = std::getenv("HARMONY_PORTS_STORE_TOKEN");
    return token == nullptr ? std::string() : std::string(token);
}

std::string label_for(const StoreUrl& url) {
    std::string label = url.tls ? "tls://" : "nats://";
    if (!url.user.empty()) {
        label += url.password.empty() ? std::string("***@") : url.user + ":***@";
    }
    for (std::size_t i = 0; i < url.servers.size(); ++i) {
        const auto& server = url.servers[i];
        const bool v6 = server.host.find(':') != std::string::npos;
        label += fmt::format("{}{}{}{}:{}", i == 0 ? "" : ",", v6 ? "[" : "", server.host,
                             v6 ? "]" : "", server.port);
    }
    return label + "/" + url.bucket;
}

}  // namespace

Error store_error(ErrorCode code, std::string_view label, std::string_view what,
                  std::string_view cause) {
    return Error{code, fmt::format("store {} {}: {}", label, what,
                                   util::printable_text(redact_store_url(cause), 300))};
}

Error Connection::error(natsStatus status, std::string_view what) const {
    std::string cause = last_cause(status);
    if (!m_secret.empty()) {
        for (auto at = cause.find(m_secret); at != std::string::npos; at = cause.find(m_secret)) {
            cause.replace(at, m_secret.size(), "***");
        }
    }
    return store_error(code_for(status), m_label, what, cause);
}

std::optional<Error> Connection::write_denial() const {
    const std::lock_guard lock(m_async->mutex);
    if (m_async->status != NATS_NOT_PERMITTED &&
        m_async->last.find("Permissions Violation") == std::string::npos) {
        return std::nullopt;
    }
    std::string text = std::move(m_async->last);
    m_async->last.clear();
    m_async->status = NATS_OK;
    return store_error(ErrorCode::permission_denied, m_label, "denied permission to write", text);
}

namespace {

// Every option libnats takes from FleetOptions, applied in one place.
natsStatus configure(natsOptions* opts, const StoreUrl& url, const FleetOptions& options,
                     const std::string& token, AsyncErrors* errors) {
    std::vector<std::string> servers;
    servers.reserve(url.servers.size());
    for (const auto& server : url.servers) {
        const bool v6 = server.host.find(':') != std::string::npos;
        servers.push_back(fmt::format("{}://{}{}{}:{}", url.tls ? "tls" : "nats", v6 ? "[" : "",
                                      server.host, v6 ? "]" : "", server.port));
    }
    std::vector<const char*> names;
    names.reserve(servers.size());
    for (const auto& s : servers) {
        names.push_back(s.c_str());
    }
    natsStatus s = natsOptions_SetServers(opts, names.data(), static_cast<int>(names.size()));
    const auto timeout = static_cast<int64_t>(options.timeout.count());
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(opts, timeout);
    if (s == NATS_OK)
        s = natsOptions_SetName(opts, "harmony-ports");
    // Across a server restart: keep trying, with requests still bounded by the timeout.
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(opts, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(opts, 100);
    if (s == NATS_OK)
        s = natsOptions_SetErrorHandler(opts, on_async_error, errors);
    if (s == NATS_OK && !url.user.empty() && !url.password.empty()) {
        s = natsOptions_SetUserInfo(opts, url.user.c_str(), url.password.c_str());
    } else if (s == NATS_OK && !url.user.empty()) {
        s = natsOptions_SetToken(opts, url.user.c_str());  // nats://TOKEN@host
    }
    if (s == NATS_OK && !token.empty())
        s = natsOptions_SetToken(opts, token.c_str());
    if (s == NATS_OK && !options.creds.empty()) {
        s = natsOptions_SetUserCredentialsFromFiles(opts, options.creds.c_str(), nullptr);
    }
    const bool tls = url.tls || !options.tls_ca.empty() || !options.tls_cert.empty();
    if (s == NATS_OK && tls)
        s = natsOptions_SetSecure(opts, true);
    if (s == NATS_OK && !options.tls_ca.empty()) {
        s = natsOptions_LoadCATrustedCertificates(opts, options.tls_ca.c_str());
    }
    if (s == NATS_OK && !options.tls_cert.empty()) {
        s = natsOptions_LoadCertificatesChain(opts, options.tls_cert.c_str(),
                                              options.tls_key.c_str());
    }
    return s;
}

}  // namespace

Expected<std::unique_ptr<Connection>> Connection::open(const FleetOptions& options) {
    auto url = parse_store_url(options.url);
    if (!url) {
        return std::unexpected(url.error());
    }
    std::unique_ptr<Connection> c(new Connection());
    c->m_url = *url;
    c->m_label = util::printable_text(label_for(*url), 300);
    c->m_timeout_ms = std::max<std::int64_t>(1, options.timeout.count());
    const std::string token = token_from_environment(options);
    c->m_secret = !url->password.empty() ? url->password : !token.empty() ? token : url->user;
    natsStatus s = natsOptions_Create(&c->m_options);
    if (s == NATS_OK) {
        s = configure(c->m_options, *url, options, token, c->m_async.get());
        if (s != NATS_OK) {
            return std::unexpected(c->error(s, "cannot be set up"));
        }
    }
    if (s == NATS_OK)
        s = natsConnection_Connect(&c->m_connection, c->m_options);
    if (s != NATS_OK) {
        const bool refused = s == NATS_CONNECTION_AUTH_FAILED || s == NATS_NOT_PERMITTED;
        return std::unexpected(c->error(
            s, refused ? "refused the credentials (authorization failed)" : "is unreachable"));
    }
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = c->attempt_ms();
    s = natsConnection_JetStream(&c->m_js, c->m_connection, &js_options);
    if (s != NATS_OK) {
        return std::unexpected(c->error(s, "has no JetStream"));
    }
    return c;
}

Connection::~Connection() {
    jsCtx_Destroy(m_js);
    natsConnection_Destroy(m_connection);
    natsOptions_Destroy(m_options);
}

}  // namespace harmony::network::fleet
