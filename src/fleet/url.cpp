// Store URLs: nats://[USER:PASSWORD@]HOST:PORT[,HOST:PORT...][/BUCKET] (tls:// for TLS).
#include <harmony/network/fleet_store.hpp>

#include <cstdlib>

#include <fmt/format.h>

#include <harmony/network/number.hpp>

#include "util/printable.hpp"

namespace harmony::network {
namespace {

constexpr std::size_t k_max_url = 4096;
constexpr std::size_t k_max_bucket = 48;  // leaves room for the "-hosts" bucket's suffix

bool bucket_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

std::unexpected<Error> bad_url(std::string_view text, std::size_t column, std::string_view what) {
    return fail(ErrorCode::invalid_argument,
                fmt::format("store URL '{}': column {}: {}",
                            util::printable_text(redact_store_url(text), 200), column + 1, what));
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// %XX escapes in the user and password fields, so any password can be written in a URL.
std::optional<std::string> percent_decoded(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) {
            return std::nullopt;
        }
        const int high = hex_digit(text[i + 1]);
        const int low = hex_digit(text[i + 2]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

Expected<StoreServer> parse_server(std::string_view url, std::size_t at, std::string_view text) {
    StoreServer server;
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {  // [IPv6]:PORT
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return bad_url(url, at, "an IPv6 address needs its closing ']'");
        }
        server.host = std::string(text.substr(1, close - 1));
        const auto rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return bad_url(url, at + close + 1, "expected ':PORT' after the address");
        }
        port_text = rest.empty() ? std::string_view{} : rest.substr(1);
    } else {
        const auto colon = text.rfind(':');
        server.host = std::string(text.substr(0, colon));
        port_text = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
        if (colon != std::string_view::npos && port_text.empty()) {
            return bad_url(url, at + colon, "expected a port number after ':'");
        }
    }
    if (server.host.empty()) {
        return bad_url(url, at, "expected a host name");
    }
    for (char c : server.host) {
        if (static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '@' || c == '?') {
            return bad_url(url, at, "the host name holds a character hosts cannot have");
        }
    }
    if (!port_text.empty()) {
        auto port = decimal_value(port_text);
        if (!port || *port < 1 || *port > 65535) {
            return bad_url(url, at + text.size() - port_text.size(),
                           "expected a port number 1-65535");
        }
        server.port = static_cast<Port>(*port);
    }
    return server;
}

Expected<void> parse_user_info(std::string_view url, std::size_t at, std::string_view info,
                               StoreUrl& out) {
    // Blanks and quotes end a URL in a message: written raw, they could let a password escape
    // redaction, so they must be %XX escapes.
    for (std::size_t i = 0; i < info.size(); ++i) {
        const auto c = static_cast<unsigned char>(info[i]);
        if (c <= ' ' || c == '"' || c == '\'' || c == 0x7f) {
            return bad_url(url, at + i,
                           "a blank, quote or control character in the user or password must "
                           "be written as a %XX escape");
        }
    }
    const auto colon = info.find(':');
    auto user = percent_decoded(info.substr(0, colon));
    auto password = colon == std::string_view::npos ? std::optional<std::string>(std::string())
                                                    : percent_decoded(info.substr(colon + 1));
    if (!user || !password) {
        return bad_url(url, at, "a '%' escape needs two hex digits");
    }
    out.user = std::move(*user);
    out.password = std::move(*password);
    return {};
}

Expected<void> parse_bucket(std::string_view url, std::size_t at, std::string_view bucket,
                            StoreUrl& out) {
    if (bucket.empty() || bucket.size() > k_max_bucket) {
        return bad_url(url, at, fmt::format("a bucket name is 1-{} characters", k_max_bucket));
    }
    for (std::size_t i = 0; i < bucket.size(); ++i) {
        if (!bucket_char(bucket[i])) {
            return bad_url(url, at + i, "a bucket name holds only letters, digits, '-' and '_'");
        }
    }
    out.bucket = std::string(bucket);
    return {};
}

}  // namespace

Expected<StoreUrl> parse_store_url(std::string_view text) {
    if (text.size() > k_max_url) {
        return bad_url(text.substr(0, 64), 0, fmt::format("longer than {} bytes", k_max_url));
    }
    StoreUrl url;
    std::size_t at = 0;
    if (text.starts_with("nats://")) {
        at = 7;
    } else if (text.starts_with("tls://")) {
        url.tls = true;
        at = 6;
    } else {
        return bad_url(text, 0, "expected nats:// or tls://");
    }
    if (const auto sign = text.rfind('@'); sign != std::string_view::npos && sign >= at) {
        if (auto ok = parse_user_info(text, at, text.substr(at, sign - at), url); !ok) {
            return std::unexpected(ok.error());
        }
        at = sign + 1;
    }
    const auto slash = text.find('/', at);
    const auto hosts = text.substr(at, slash == std::string_view::npos ? text.npos : slash - at);
    for (std::size_t start = 0; start <= hosts.size();) {
        const auto comma = std::min(hosts.find(',', start), hosts.size());
        auto server = parse_server(text, at + start, hosts.substr(start, comma - start));
        if (!server) {
            return std::unexpected(server.error());
        }
        url.servers.push_back(std::move(*server));
        start = comma + 1;
    }
    if (slash != std::string_view::npos) {
        if (auto ok = parse_bucket(text, slash + 1, text.substr(slash + 1), url); !ok) {
            return std::unexpected(ok.error());
        }
    }
    return url;
}

std::string redact_store_url(std::string_view text) {
    std::string out;
    std::size_t from = 0;
    // Every "scheme://user[:password]@" in the text, so a cause quoting a URL is safe too.
    for (auto scheme = text.find("://"); scheme != std::string_view::npos;
         scheme = text.find("://", from)) {
        const std::size_t info = scheme + 3;
        std::size_t end = info;
        while (end < text.size() && text[end] != ' ' && text[end] != '\'' && text[end] != '"') {
            ++end;
        }
        const auto sign = text.substr(info, end - info).rfind('@');
        out.append(text.substr(from, info - from));
        if (sign != std::string_view::npos) {
            const auto user_info = text.substr(info, sign);
            const auto colon = user_info.find(':');
            out.append(colon == std::string_view::npos
                           ? "***"
                           : std::string(user_info.substr(0, colon)) + ":***");
            from = info + sign;
        } else {
            from = info;
        }
    }
    out.append(text.substr(from));
    return out;
}

std::string store_url_from_environment() {
    const char* url = std::getenv("HARMONY_PORTS_STORE");
    return url == nullptr ? std::string() : std::string(url);
}

}  // namespace harmony::network
