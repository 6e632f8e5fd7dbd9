// The allocator's numbers read from text: one place for their limits.
#include <harmony/network/allocator.hpp>
#include <harmony/network/number.hpp>

namespace harmony::network {

Expected<std::uint16_t> parse_block_size(std::string_view text) {
    auto value = parse_decimal(text, "count", 1, 65535);
    if (!value) {
        return std::unexpected(value.error());
    }
    return static_cast<std::uint16_t>(*value);
}

Expected<Port> parse_port_number(std::string_view text) {
    auto value = parse_decimal(text, "port", 0, 65535);
    if (!value) {
        return std::unexpected(value.error());
    }
    return static_cast<Port>(*value);
}

Expected<int> parse_quarantine_days(std::string_view text) {
    auto value = parse_decimal(text, "quarantine days", 0, k_max_quarantine_days);
    if (!value) {
        return std::unexpected(value.error());
    }
    return static_cast<int>(*value);
}

}  // namespace harmony::network
