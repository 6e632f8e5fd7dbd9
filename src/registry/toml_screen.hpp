// A lexical pass over TOML text before toml++ sees it: what toml++ 3.3 cannot be trusted with
// is refused here, with a position, instead of reaching undefined behaviour or a deep recursion.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <harmony/network/registry.hpp>

namespace harmony::network::detail {

struct ScreenProblem {
    SourcePosition where;
    std::string what;
};

// The first of these, or nullopt:
//  - what toml++ 3.3 (Debian 12) mishandles with undefined behaviour (its whitespace test
//    reaches __builtin_unreachable for some code points, upstream issues #190 and #295):
//    invalid UTF-8, non-ASCII outside strings and comments, and non-ASCII right after a
//    backslash in a multi-line string;
//  - structure toml++ builds by recursion: `[` / `{` nested deeper than k_max_nesting_depth,
//    and a dotted key (or table header) of more than k_max_key_parts parts -- a 40,000-part
//    key overflows the stack.
std::optional<ScreenProblem> screen_toml(std::string_view text);

}  // namespace harmony::network::detail
