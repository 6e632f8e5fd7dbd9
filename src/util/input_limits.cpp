#include "util/input_limits.hpp"

#include <fmt/format.h>

#include <harmony/network/limits.hpp>

namespace harmony::network::detail {

Expected<void> check_input_size(std::string_view text, std::string_view file) {
    if (text.size() <= k_max_input_bytes) {
        return {};
    }
    return fail(ErrorCode::parse_error,
                fmt::format("{}: is larger than {} MiB, the most any input may hold", file,
                            k_max_input_bytes / (std::size_t{1024} * 1024)));
}

std::string too_deep_text() {
    return fmt::format("nested deeper than {} levels", k_max_nesting_depth);
}

std::string too_many_key_parts_text() {
    return fmt::format("a dotted key of more than {} parts", k_max_key_parts);
}

}  // namespace harmony::network::detail
