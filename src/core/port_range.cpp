#include <harmony/network/port_range.hpp>

#include <fmt/format.h>

#include <harmony/network/number.hpp>

#include "util/printable.hpp"

namespace harmony::network {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

// Parses one port number (decimal, leading zeros allowed); `whole` is the full text, quoted in
// messages.
Expected<Port> parse_port(std::string_view part, std::string_view whole) {
    part = trim(part);
    if (part.empty()) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid port range '{}': expected PORT or FIRST-LAST",
                                util::printable_text(whole)));
    }
    const auto value = decimal_value(part);
    if (value && *value <= 65535) {
        return static_cast<Port>(*value);
    }
    const std::string shown = util::printable_text(whole);
    if (part.find_first_not_of("0123456789") == std::string_view::npos) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid port range '{}': {} is above 65535", shown, part));
    }
    return fail(ErrorCode::invalid_argument,
                fmt::format("invalid port range '{}': '{}' is not a port number", shown,
                            util::printable_text(part)));
}

}  // namespace

Expected<PortRange> PortRange::parse(std::string_view text) {
    std::string_view body = trim(text);
    auto dash = body.find('-');
    if (dash == std::string_view::npos) {
        auto port = parse_port(body, text);
        if (!port) {
            return std::unexpected(port.error());
        }
        return PortRange{*port, *port};
    }
    auto first = parse_port(body.substr(0, dash), text);
    if (!first) {
        return std::unexpected(first.error());
    }
    auto last = parse_port(body.substr(dash + 1), text);
    if (!last) {
        return std::unexpected(last.error());
    }
    if (*first > *last) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid port range '{}': first port {} is above last port {}",
                                util::printable_text(text), *first, *last));
    }
    return PortRange{*first, *last};
}

std::string PortRange::to_string() const {
    if (first == last) {
        return fmt::format("{}", first);
    }
    return fmt::format("{}-{}", first, last);
}

}  // namespace harmony::network
