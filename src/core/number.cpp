#include <harmony/network/number.hpp>

#include <charconv>

#include <fmt/format.h>

#include "util/printable.hpp"

namespace harmony::network {

std::optional<std::uint64_t> decimal_value(std::string_view text) noexcept {
    // from_chars alone would take "-0" for unsigned types on some libraries and stops at the
    // first non-digit; demanding digits only makes the rule plain.
    if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;  // more than 64 bits
    }
    return value;
}

Expected<std::uint64_t> parse_decimal(std::string_view text, std::string_view what,
                                      std::uint64_t min, std::uint64_t max) {
    const auto value = decimal_value(text);
    if (!value || *value < min || *value > max) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid {} '{}': expected a decimal number {}-{}", what,
                                util::printable_text(text), min, max));
    }
    return *value;
}

}  // namespace harmony::network
