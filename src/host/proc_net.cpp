#include "host/proc_net.hpp"

#include <charconv>
#include <cstring>

#include <sys/socket.h>

#include <fmt/format.h>

#include "host/address.hpp"

namespace harmony::host {
namespace {

struct Field {
    std::string_view text;
    std::size_t column = 0;  // 1-based
};

// Whitespace-separated fields of `line` with their columns.
std::vector<Field> split_fields(std::string_view line) {
    std::vector<Field> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
            ++i;
        }
        std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
            ++i;
        }
        if (i > start) {
            out.push_back({line.substr(start, i - start), start + 1});
        }
    }
    return out;
}

// Parses all of `text` as an unsigned number in `base` with at most `max_digits` digits.
bool parse_number(std::string_view text, int base, std::size_t max_digits, std::uint64_t& value) {
    if (text.empty() || text.size() > max_digits) {
        return false;
    }
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool parse_hex(std::string_view text, std::uint64_t& value) {
    return parse_number(text, 16, 16, value);
}

bool parse_decimal(std::string_view text, std::uint64_t& value) {
    return parse_number(text, 10, 19, value);
}

// "0100007F:1F90": the kernel prints each 32-bit word of the address as the host-order
// value of its network-order bytes, so copying the parsed words back restores the bytes.
bool parse_endpoint(std::string_view text, int family, std::array<std::uint8_t, 16>& bytes,
                    Port& port) {
    const std::size_t hex_digits = family == AF_INET ? 8 : 32;
    if (text.size() != hex_digits + 5 || text[hex_digits] != ':') {
        return false;
    }
    bytes = {};
    for (std::size_t word = 0; word < hex_digits / 8; ++word) {
        std::uint64_t value = 0;
        if (!parse_hex(text.substr(word * 8, 8), value)) {
            return false;
        }
        auto w = static_cast<std::uint32_t>(value);
        std::memcpy(bytes.data() + word * 4, &w, 4);
    }
    std::uint64_t p = 0;
    if (!parse_hex(text.substr(hex_digits + 1), p)) {
        return false;
    }
    port = static_cast<Port>(p);
    return true;
}

}  // namespace

Expected<std::vector<Listener>> parse_proc_net(std::string_view text, std::string_view name,
                                               int family, Protocols protocol,
                                               std::optional<PortRange> ports, bool any_state) {
    std::vector<Listener> out;
    std::size_t line_no = 0;
    auto bad = [&](std::size_t column, std::string_view what) {
        return fail(ErrorCode::parse_error,
                    fmt::format("{}:{}:{}: {}", name, line_no, column, what));
    };
    while (!text.empty()) {
        ++line_no;
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        auto fields = split_fields(line);
        if (fields.empty() || (line_no == 1 && fields[0].text == "sl")) {
            continue;  // the header, or a blank line
        }
        if (fields.size() < 10) {
            return bad(1, fmt::format("expected at least 10 fields, found {}", fields.size()));
        }
        if (fields[0].text.back() != ':') {
            return bad(fields[0].column, "expected the slot number followed by ':'");
        }
        std::array<std::uint8_t, 16> bytes{};
        Port port = 0;
        if (!parse_endpoint(fields[1].text, family, bytes, port)) {
            return bad(fields[1].column, family == AF_INET
                                             ? "expected a local address as 8 hex digits:port"
                                             : "expected a local address as 32 hex digits:port");
        }
        std::uint64_t state = 0;
        if (fields[3].text.size() != 2 || !parse_hex(fields[3].text, state)) {
            return bad(fields[3].column, "expected the socket state as 2 hex digits");
        }
        std::uint64_t uid = 0;
        if (!parse_decimal(fields[7].text, uid) || uid > 0xffffffffULL) {
            return bad(fields[7].column, "expected a uid");
        }
        std::uint64_t inode = 0;
        if (!parse_decimal(fields[9].text, inode)) {
            return bad(fields[9].column, "expected an inode number");
        }
        const std::uint32_t states =
            protocol == Protocols::tcp
                ? (any_state ? k_tcp_states_holding_port : (1U << k_state_listen))
                : ((1U << k_state_close) | (1U << k_state_established));
        const bool holds_port = state < 32 && ((states >> state) & 1U) != 0;
        if (!holds_port || port == 0 || (ports && !ports->contains(port))) {
            continue;
        }
        Listener l;
        l.port = port;
        l.protocol = protocol;
        l.address = format_address(family, bytes);
        l.inode = inode;
        l.uid = static_cast<std::uint32_t>(uid);
        out.push_back(std::move(l));
    }
    return out;
}

}  // namespace harmony::host
