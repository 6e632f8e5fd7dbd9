// Reading whole numbers from people: always decimal, so "010" is ten and "0x10" is refused,
// wherever a number comes from (a CLI option, an environment variable, a port range in a file).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <harmony/network/error.hpp>

namespace harmony::network {

// The value of `text` read as a decimal whole number: ASCII digits only (leading zeros allowed),
// no sign, no blanks, no "0x"/"0o"/"0b" prefix, no digit separators. nullopt for anything else,
// or when the value does not fit in 64 bits.
std::optional<std::uint64_t> decimal_value(std::string_view text) noexcept;

// decimal_value(text) when it lies in [min, max]; otherwise invalid_argument with the message
// "invalid WHAT 'TEXT': expected a decimal number MIN-MAX" (TEXT made printable), e.g.
// parse_decimal("0x10", "count", 1, 65535) -> "invalid count '0x10': expected a decimal number
// 1-65535". `what` names the value for a reader ("count", "lock timeout"), never a flag.
Expected<std::uint64_t> parse_decimal(std::string_view text, std::string_view what,
                                      std::uint64_t min, std::uint64_t max);

}  // namespace harmony::network
