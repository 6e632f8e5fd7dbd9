#include "util/did_you_mean.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace harmony::util {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    return bounded_edit_distance(a, b, std::max(a.size(), b.size()));
}

std::size_t bounded_edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
    const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (gap > limit) {
        return limit + 1;  // at least one edit per character of difference in length
    }
    // One row of the table; names are short, so it usually lives on the stack.
    std::array<std::size_t, 64> small{};
    std::vector<std::size_t> large;
    if (b.size() >= small.size()) {
        large.resize(b.size() + 1);
    }
    std::size_t* row = large.empty() ? small.data() : large.data();
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        std::size_t row_min = row[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
            row_min = std::min(row_min, row[j]);
        }
        if (row_min > limit) {
            return limit + 1;  // distances never shrink from one row to the next
        }
    }
    return std::min(row[b.size()], limit + 1);
}

std::string closest_match(std::string_view typed, std::span<const std::string> candidates) {
    // A typo is at most a third of the word away (at least 1, at most 3 edits), as ninja does.
    std::size_t limit = std::clamp<std::size_t>(typed.size() / 3, 1, 3);
    std::string best;
    std::size_t best_distance = limit + 1;
    for (const auto& candidate : candidates) {
        // Only a strictly closer candidate can win, so the search bound shrinks as it goes.
        std::size_t d = bounded_edit_distance(typed, candidate, best_distance - 1);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
            if (d == 0) {
                break;
            }
        }
    }
    return best;
}

}  // namespace harmony::util
