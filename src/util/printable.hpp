// Quoting untrusted text inside one-line messages.
#pragma once

#include <string>
#include <string_view>

namespace harmony::util {

// `text` with control bytes, non-ASCII bytes, quotes and backslashes as \xNN, cut at
// `limit` bytes with "..." appended, so a message stays one printable line.
std::string printable_text(std::string_view text, std::size_t limit = 80);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
bool is_valid_utf8(std::string_view text);

// 1-based line and column (in code points) of byte `offset` of `text`.
struct LineColumn {
    int line = 1;
    int column = 1;
};
LineColumn line_column(std::string_view text, std::size_t offset);

// Offset of the first byte that starts an ill-formed UTF-8 sequence, or npos.
std::size_t first_invalid_utf8(std::string_view text);

}  // namespace harmony::util
