// Untrusted text made safe for a terminal and for one-line messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace harmony::util {

// `text` as it may be shown on a terminal: valid printable UTF-8 stays as it is ("Zoë"); control
// bytes (C0, DEL), bytes that are not well-formed UTF-8 and backslashes become \xNN and \\; C1
// controls and invisible or direction-changing characters (bidi embeddings, overrides and
// isolates, marks, zero-width characters, line/paragraph separators, BOM: the "Trojan Source"
// set) become \u{XXXX}. The result is at most `limit` characters (code points, an escape
// counting its length); a longer one is cut after a whole character or escape and ends in
// "...". So a value quoted in a message or a table cell is one printable line.
std::string printable_text(std::string_view text, std::size_t limit = 80);

// printable_text(text, limit) between double quotes: how a message quotes a free-text value.
std::string quoted_text(std::string_view text, std::size_t limit = 80);

// The same rule for a whole message that may already hold values quoted by printable_text:
// never cut, and backslashes are left alone so those escapes are not escaped twice.
std::string terminal_safe(std::string_view text);

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
