// Hostile inputs built in code, for the unit and end-to-end tests of the readers' limits.
#pragma once

#include <string>
#include <string_view>

namespace harmony::testing {

// `piece` `times` times over.
inline std::string repeat(std::string_view piece, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) {
        out += piece;
    }
    return out;
}

// "a.a.a...": a dotted key of `parts` parts, the first one `first`.
inline std::string dotted_key(int parts, std::string_view first = "a") {
    return std::string(first) + repeat(".a", parts - 1);
}

}  // namespace harmony::testing
