// Limits on untrusted input: what every reader refuses before or while parsing.
#pragma once

#include <cstddef>

namespace harmony::network {

// Largest input file (registry, harmony.toml, topology, kubectl JSON) read or parsed: 64 MiB.
inline constexpr std::size_t k_max_input_bytes = std::size_t{64} * 1024 * 1024;

// Deepest nesting of tables/arrays/objects, and most parts of one dotted key, any reader takes.
inline constexpr int k_max_nesting_depth = 64;
inline constexpr int k_max_key_parts = 64;

}  // namespace harmony::network
