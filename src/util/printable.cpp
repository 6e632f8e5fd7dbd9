#include "util/printable.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

namespace harmony::util {
namespace {

// One character of UTF-8 text: a code point and its length in bytes, or (valid == false) one
// byte that does not start a well-formed sequence.
struct Utf8Step {
    std::uint32_t code_point = 0;
    std::size_t length = 1;
    bool valid = false;
};

Utf8Step decode_at(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
        return {lead, 1, true};
    }
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if ((lead & 0xE0) == 0xC0) {
        extra = 1;
        cp = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
        extra = 2;
        cp = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
        extra = 3;
        cp = lead & 0x07;
    } else {
        return {};
    }
    if (i + extra >= text.size()) {
        return {};
    }
    for (std::size_t k = 1; k <= extra; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0) != 0x80) {
            return {};
        }
        cp = (cp << 6) | (next & 0x3F);
    }
    static constexpr std::uint32_t k_min_for_length[] = {0, 0x80, 0x800, 0x10000};
    if (cp < k_min_for_length[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return {};
    }
    return {cp, extra + 1, true};
}

// Characters that are valid but must not reach a terminal as they are: C1 controls, and those
// that are invisible or reorder the text around them, so what is shown differs from what is
// there (CVE-2021-42574, "Trojan Source").
bool is_hidden_or_reordering(std::uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) ||      // C1 controls
           cp == 0x061C ||                    // Arabic letter mark
           (cp >= 0x200B && cp <= 0x200F) ||  // zero-width space/joiners, LRM, RLM
           (cp >= 0x2028 && cp <= 0x202E) ||  // line/paragraph separators, LRE RLE PDF LRO RLO
           (cp >= 0x2060 && cp <= 0x2069) ||  // word joiner, invisible operators, LRI RLI FSI PDI
           cp == 0xFEFF ||                    // zero-width no-break space (BOM)
           (cp >= 0xFFF9 && cp <= 0xFFFB);    // interlinear annotation
}

// The visible form of one character.
std::string visible(std::string_view text, const Utf8Step& step, std::size_t at,
                    bool escape_backslash) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (!step.valid || byte < 0x20 || byte == 0x7F) {
        return fmt::format("\\x{:02x}", byte);
    }
    if (byte == '\\' && escape_backslash) {
        return "\\\\";
    }
    if (is_hidden_or_reordering(step.code_point)) {
        return fmt::format("\\u{{{:04x}}}", step.code_point);
    }
    return std::string(text.substr(at, step.length));
}

// Characters shown by `piece`: escapes are ASCII, anything else is one whole character.
std::size_t width_of(const std::string& piece, const Utf8Step& step) {
    return piece.size() == step.length && step.code_point >= 0x80 ? 1 : piece.size();
}

std::string render(std::string_view text, std::size_t limit, bool escape_backslash) {
    static constexpr std::string_view k_ellipsis = "...";
    const std::size_t room = limit > k_ellipsis.size() ? limit - k_ellipsis.size() : 0;
    std::string out;
    std::size_t width = 0;
    std::size_t cut_bytes = 0;  // output bytes that fit before an ellipsis
    for (std::size_t i = 0; i < text.size();) {
        const Utf8Step step = decode_at(text, i);
        const std::string piece = visible(text, step, i, escape_backslash);
        width += width_of(piece, step);
        if (width > limit) {
            out.resize(cut_bytes);
            return out + std::string(k_ellipsis);
        }
        out += piece;
        if (width <= room) {
            cut_bytes = out.size();
        }
        i += step.valid ? step.length : 1;
    }
    return out;
}

}  // namespace

std::string printable_text(std::string_view text, std::size_t limit) {
    return render(text, limit, true);
}

std::string quoted_text(std::string_view text, std::size_t limit) {
    std::string quoted(1, '"');  // appended piecewise: GCC 12 -O3 -Wrestrict on "lit" + str
    quoted += printable_text(text, limit);
    quoted += '"';
    return quoted;
}

std::string terminal_safe(std::string_view text) {
    return render(text, std::string::npos, false);
}

bool is_valid_utf8(std::string_view text) {
    return first_invalid_utf8(text) == std::string_view::npos;
}

std::size_t first_invalid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;  // the common case, kept cheap: this runs over every registry read
            continue;
        }
        const Utf8Step step = decode_at(text, i);
        if (!step.valid) {
            return i;
        }
        i += step.length;
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
