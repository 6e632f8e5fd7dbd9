#include "util/json_document.hpp"

#include <charconv>
#include <optional>
#include <string>

#include <fmt/format.h>

#include <harmony/network/limits.hpp>

#include "util/input_limits.hpp"
#include "util/printable.hpp"

namespace harmony::network::detail {
namespace {

using nlohmann::json;

// What the JSON screen refuses, at byte `offset`.
struct JsonProblem {
    std::size_t offset = 0;
    std::string what;
};

// A number token (JSON numbers hold only these characters).
bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// True when `token` is a number no std::int64_t (integers) or finite double holds: nlohmann
// throws a bare out_of_range for 1e400 and turns 99999999999999999999999 into a float silently.
// Malformed tokens are left to the parser, which reports them with a position.
bool out_of_range(std::string_view token) {
    const char* first = token.data();
    const char* last = token.data() + token.size();
    if (token.find_first_of(".eE") == std::string_view::npos) {
        std::int64_t integer = 0;
        return std::from_chars(first, last, integer).ec == std::errc::result_out_of_range;
    }
    double real = 0;
    return std::from_chars(first, last, real).ec == std::errc::result_out_of_range;
}

// The first nesting deeper than k_max_nesting_depth or number out of range, strings skipped,
// or nullopt. Why before parsing: our reader walks Lists by recursion, and nlohmann reports a
// number overflow without a position.
std::optional<JsonProblem> screen_json(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > k_max_nesting_depth) {
                return JsonProblem{i, detail::too_deep_text()};
            }
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t end = i;
            while (end < text.size() && is_number_char(text[end])) {
                ++end;
            }
            const std::string_view token = text.substr(i, end - i);
            if (out_of_range(token)) {
                return JsonProblem{
                    i, fmt::format("number {} is out of range", util::printable_text(token, 40))};
            }
            i = end - 1;
        }
    }
    return std::nullopt;
}

}  // namespace

Expected<json> parse_json_document(std::string_view text, std::string_view file) {
    if (auto size = check_input_size(text, file); !size) {
        return std::unexpected(size.error());
    }
    if (auto problem = screen_json(text)) {
        const auto at = util::line_column(text, problem->offset);
        return fail_at(ErrorCode::parse_error, {std::string(file), at.line, at.column},
                       problem->what);
    }
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        // e.byte is 1-based: the byte after which the error was seen.
        const auto at = util::line_column(text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        if (auto colon = what.rfind(": "); colon != std::string::npos) {
            what = what.substr(colon + 2);
        }
        return fail_at(ErrorCode::parse_error, {std::string(file), at.line, at.column},
                       fmt::format("invalid JSON: {}", util::printable_text(what, 120)));
    } catch (const json::exception& e) {
        return fail(ErrorCode::parse_error,
                    fmt::format("{}: invalid JSON: {}", file, util::printable_text(e.what(), 120)));
    }
}

}  // namespace harmony::network::detail
