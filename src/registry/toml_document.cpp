// TOML -> DocNode. The only translation unit that includes toml++; its exceptions stop here.
#include "registry/doc_node.hpp"
#include "registry/toml_fast.hpp"
#include "util/printable.hpp"
#include "util/toml.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

namespace harmony::network::detail {
namespace {

SourcePosition position_of(const toml::source_region& region) {
    return SourcePosition{static_cast<int>(region.begin.line),
                          static_cast<int>(region.begin.column)};
}

DocNode convert(const toml::node& node) {
    DocNode out;
    out.where = position_of(node.source());
    if (const auto* table = node.as_table()) {
        out.kind = DocNode::Kind::table;
        for (const auto& [key, value] : *table) {
            out.entries.push_back(
                {std::string(key.str()), convert(value), position_of(key.source())});
        }
    } else if (const auto* array = node.as_array()) {
        out.kind = DocNode::Kind::array;
        for (const auto& item : *array) {
            out.items.push_back(convert(item));
        }
    } else if (const auto* s = node.as_string()) {
        out.kind = DocNode::Kind::string;
        out.text = s->get();
    } else if (const auto* i = node.as_integer(); i && i->flags() != toml::value_flags::none) {
        // 0x.., 0o.., 0b..: every number a person writes here is read as decimal.
        out.kind = DocNode::Kind::other;
        out.text = "a hexadecimal, octal or binary integer (numbers are decimal)";
    } else if (i != nullptr) {
        out.kind = DocNode::Kind::integer;
        out.integer = i->get();
    } else if (const auto* b = node.as_boolean()) {
        out.kind = DocNode::Kind::boolean;
        out.boolean = b->get();
    } else {
        out.kind = DocNode::Kind::other;
        out.text = node.is_floating_point() ? "a float" : "a date/time";
    }
    return out;
}

// Rejects what toml++ 3.3 (Debian 12) mishandles before it sees it: its whitespace test reaches
// __builtin_unreachable for some non-ASCII code points (upstream issues #190 and #295), so
// non-ASCII text may appear only where TOML allows it anyway -- inside strings and comments --
// and not as the first character after a line-ending backslash in a multi-line string.
// Returns the position and reason of the first problem, or nullopt.
bool is_bare_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

struct ScreenProblem {
    SourcePosition where;
    const char* what;
};
std::optional<ScreenProblem> screen_toml(std::string_view text) {
    if (std::size_t bad = util::first_invalid_utf8(text); bad != std::string_view::npos) {
        const auto at = util::line_column(text, bad);
        return ScreenProblem{{at.line, at.column}, "the file is not valid UTF-8"};
    }
    enum class In { code, comment, basic, literal, multi_basic, multi_literal };
    In in = In::code;
    int line = 1;
    int column = 0;
    bool after_line_backslash = false;  // in a multi-line basic string, only blanks since
    // The last non-blank character seen outside strings: a quote opens a string only where a
    // key or value may start, as toml++ reads it; elsewhere it is part of a bad value.
    char last = '\n';
    enum class Bare { none, key, value };
    Bare bare = Bare::none;
    std::string nest;  // open '[' (array), 'h' (table header) and '{' (inline table)
    std::size_t i = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a leading BOM is fine
    for (; i < text.size(); ++i) {
        char c = text[i];
        auto u = static_cast<unsigned char>(c);
        if ((u & 0xC0) != 0x80) {
            ++column;
        }
        if (c == '\n') {
            ++line;
            column = 0;
            if (in == In::code || in == In::comment) {
                last = '\n';
                bare = Bare::none;
            }
            if (in == In::comment || in == In::basic || in == In::literal) {
                in = In::code;  // single-line constructs end here (toml++ reports the rest)
            }
            continue;
        }
        bool non_ascii = u >= 0x80;
        switch (in) {
            case In::code: {
                if (non_ascii) {
                    return ScreenProblem{{line, column},
                                         "non-ASCII character outside a string or comment"};
                }
                // toml++ reads a bare key up to the first character outside [A-Za-z0-9_-], and
                // a bare value (number, date, boolean) up to a value terminator; a quote
                // inside either is part of the bad token, not the start of a string.
                if (bare == Bare::key && !is_bare_key_char(c)) {
                    bare = Bare::none;
                }
                if (bare == Bare::value) {
                    if (c == ' ' || c == '\t' || c == '\r' || c == ']' || c == '}' || c == ',' ||
                        c == '#') {
                        bare = Bare::none;
                    } else {
                        break;
                    }
                }
                if (bare == Bare::key || c == ' ' || c == '\t' || c == '\r') {
                    break;
                }
                if (c == '#') {
                    in = In::comment;
                    break;
                }
                const bool opener =
                    last == '\n' || last == '=' || last == '[' || last == ',' || last == '{';
                if ((c == '"' || c == '\'') && opener) {
                    if (text.substr(i, 3) == "\"\"\"") {
                        in = In::multi_basic;
                    } else if (text.substr(i, 3) == "'''") {
                        in = In::multi_literal;
                    } else {
                        in = c == '"' ? In::basic : In::literal;
                    }
                    if (in == In::multi_basic || in == In::multi_literal) {
                        i += 2;
                        column += 2;
                    }
                    last = c;
                    break;
                }
                if (c == '[') {
                    nest += (last == '\n' && nest.empty()) ? 'h' : '[';  // header or array
                } else if (c == '{') {
                    nest += '{';
                } else if ((c == ']' || c == '}') && !nest.empty()) {
                    nest.pop_back();
                } else if (c != '=' && c != ',' && c != '.' && c != '"' && c != '\'') {
                    // After '=', and after '[' or ',' inside an array, a value starts; after
                    // '{' or ',' inside an inline table, and in a header, a key does.
                    const bool in_array = !nest.empty() && nest.back() == '[';
                    bare = (last == '=' || ((last == '[' || last == ',') && in_array)) ? Bare::value
                                                                                       : Bare::key;
                }
                last = c;
                break;
            }
            case In::comment:
                break;
            case In::basic:
                if (c == '\\') {
                    ++i;  // the escaped character cannot end the string
                    ++column;
                } else if (c == '"') {
                    in = In::code;
                }
                break;
            case In::literal:
                if (c == '\'') {
                    in = In::code;
                }
                break;
            case In::multi_basic:
                if (after_line_backslash && non_ascii) {
                    return ScreenProblem{{line, column},
                                         "non-ASCII character right after a line-ending "
                                         "backslash is not supported"};
                }
                if (c == '\\') {
                    // A backslash followed only by blanks up to the newline trims what follows.
                    std::size_t j = i + 1;
                    while (j < text.size() &&
                           (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) {
                        ++j;
                    }
                    // toml++ tests what follows a backslash for whitespace, then skips it.
                    if (j < text.size() && static_cast<unsigned char>(text[j]) >= 0x80) {
                        return ScreenProblem{{line, column + static_cast<int>(j - i)},
                                             "non-ASCII character right after a backslash in a "
                                             "multi-line string is not supported"};
                    }
                    if (j < text.size() && text[j] == '\n') {
                        after_line_backslash = true;
                        column += static_cast<int>(j - i - 1);
                        i = j - 1;
                    } else {
                        ++i;
                        ++column;
                    }
                    break;
                }
                if (c != ' ' && c != '\t' && c != '\r') {
                    after_line_backslash = false;
                }
                if (text.substr(i, 3) == "\"\"\"") {
                    in = In::code;
                    i += 2;
                    column += 2;
                }
                break;
            case In::multi_literal:
                if (text.substr(i, 3) == "'''") {
                    in = In::code;
                    i += 2;
                    column += 2;
                }
                break;
        }
    }
    return std::nullopt;
}

}  // namespace

std::string position_prefix(std::string_view file, SourcePosition where) {
    if (where.line <= 0) {
        return fmt::format("{}: ", file);
    }
    return fmt::format("{}:{}:{}: ", file, where.line, where.column);
}

Expected<DocNode> parse_toml_document(std::string_view text, std::string_view file) {
    if (auto fast = parse_canonical_toml(text)) {
        return std::move(*fast);
    }
    return parse_toml_with_tomlplusplus(text, file);
}

Expected<DocNode> parse_toml_with_tomlplusplus(std::string_view text, std::string_view file) {
    if (auto problem = screen_toml(text)) {
        return fail(ErrorCode::parse_error, position_prefix(file, problem->where) + problem->what);
    }
    try {
        toml::table table = toml::parse(text, file);
        return convert(table);
    } catch (const toml::parse_error& err) {
        std::string what(err.description());
        // One line: toml++ descriptions may hold newlines.
        for (char& c : what) {
            if (c == '\n' || c == '\r') {
                c = ' ';
            }
        }
        return fail(ErrorCode::parse_error,
                    position_prefix(file, position_of(err.source())) + what);
    } catch (const std::exception& err) {
        return fail(ErrorCode::parse_error, fmt::format("{}: {}", file, err.what()));
    }
}

}  // namespace harmony::network::detail
