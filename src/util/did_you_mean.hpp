// "Did you mean" suggestions for mistyped names.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace harmony::util {

// Levenshtein distance between a and b.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed` if it is close enough to be a likely typo, else "".
std::string closest_match(std::string_view typed, std::span<const std::string> candidates);

}  // namespace harmony::util
