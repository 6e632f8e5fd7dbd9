// "Did you mean" suggestions for mistyped names.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace harmony::util {

// Levenshtein distance between a and b.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The Levenshtein distance between a and b when it is at most `limit`, else limit + 1. Stops
// as soon as the limit is passed (at once when the lengths differ by more than it).
std::size_t bounded_edit_distance(std::string_view a, std::string_view b, std::size_t limit);

// The candidate closest to `typed` if it is close enough to be a likely typo, else "" (the
// first of equally close ones).
std::string closest_match(std::string_view typed, std::span<const std::string> candidates);

}  // namespace harmony::util
