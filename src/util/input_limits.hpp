// The messages every reader gives for input beyond the limits in limits.hpp, so a registry,
// harmony.toml, a topology and kubectl JSON refuse hostile structure in the same words.
#pragma once

#include <string>
#include <string_view>

#include <harmony/network/error.hpp>

namespace harmony::network::detail {

// parse_error "FILE: is larger than 64 MiB, the most any input may hold" when `text` is larger
// than k_max_input_bytes (the words the file layer uses when it stops reading such a file).
// Called before any parser sees the text.
Expected<void> check_input_size(std::string_view text, std::string_view file);

// "nested deeper than 64 levels" (after "FILE:LINE:COL: ").
std::string too_deep_text();

// "a dotted key of more than 64 parts" (after "FILE:LINE:COL: ").
std::string too_many_key_parts_text();

}  // namespace harmony::network::detail
