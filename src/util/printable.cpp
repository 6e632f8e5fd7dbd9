#include "util/printable.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace harmony::util {

std::string printable_text(std::string_view text, std::size_t limit) {
    std::string out;
    for (char c : text.substr(0, limit)) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f || c == '\'' || c == '"' || c == '\\') {
            out += fmt::format("\\x{:02x}", u);
        } else {
            out += c;
        }
    }
    if (text.size() > limit) {
        out += "...";
    }
    return out;
}

bool is_valid_utf8(std::string_view text) {
    return first_invalid_utf8(text) == std::string_view::npos;
}

std::size_t first_invalid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + extra >= text.size()) {
            return i;
        }
        for (std::size_t k = 1; k <= extra; ++k) {
            auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80) {
                return i;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        static constexpr std::uint32_t k_min_for_length[] = {0, 0x80, 0x800, 0x10000};
        if (cp < k_min_for_length[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return i;
        }
        i += extra + 1;
    }
    return std::string_view::npos;
}

LineColumn line_column(std::string_view text, std::size_t offset) {
    LineColumn at;
    const std::string_view before = text.substr(0, std::min(offset, text.size()));
    for (char c : before) {
        if (c == '\n') {
            ++at.line;
            at.column = 1;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
            ++at.column;  // continuation bytes belong to the code point before them
        }
    }
    return at;
}

}  // namespace harmony::util
