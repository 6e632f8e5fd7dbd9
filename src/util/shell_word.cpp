#include "util/shell_word.hpp"

#include "util/printable.hpp"

namespace harmony::util {

std::string shell_word(std::string_view text) {
    constexpr std::string_view k_plain =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-";
    if (!text.empty() && text.find_first_not_of(k_plain) == std::string_view::npos) {
        return std::string(text);
    }
    std::string word = "'";
    for (char c : terminal_safe(text)) {
        if (c == '\'') {
            word += "'\\''";
        } else {
            word += c;
        }
    }
    word += '\'';
    return word;
}

}  // namespace harmony::util
