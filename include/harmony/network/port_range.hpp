// An inclusive range of TCP/UDP port numbers, e.g. 25000-25999 or the single port 25080.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include <harmony/network/error.hpp>

namespace harmony::network {

using Port = std::uint16_t;

struct PortRange {
    Port first = 0;
    Port last = 0;

    // Parses "A-B" or "A" (0 <= A <= B <= 65535; surrounding spaces allowed). Errors are
    // invalid_argument with a message that quotes the text and says what is wrong.
    static Expected<PortRange> parse(std::string_view text);

    // Number of ports in the range (1..65536).
    [[nodiscard]] constexpr std::uint32_t size() const noexcept {
        return std::uint32_t{last} - first + 1;
    }
    [[nodiscard]] constexpr bool contains(Port port) const noexcept {
        return first <= port && port <= last;
    }
    [[nodiscard]] constexpr bool contains(const PortRange& other) const noexcept {
        return first <= other.first && other.last <= last;
    }
    [[nodiscard]] constexpr bool overlaps(const PortRange& other) const noexcept {
        return first <= other.last && other.first <= last;
    }
    // "25000-25999", or "25080" for a single port.
    [[nodiscard]] std::string to_string() const;

    friend constexpr auto operator<=>(const PortRange&, const PortRange&) = default;
};

// The ADR-014 default: 25000-25999.
inline constexpr PortRange k_adr014_range{25000, 25999};

}  // namespace harmony::network
