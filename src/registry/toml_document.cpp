// TOML -> DocNode. The only translation unit that includes toml++; its exceptions stop here.
#include "registry/doc_node.hpp"
#include "registry/toml_fast.hpp"
#include "registry/toml_screen.hpp"
#include "util/input_limits.hpp"
#include "util/toml.hpp"

#include <optional>

#include <harmony/network/limits.hpp>

#include <fmt/format.h>

namespace harmony::network::detail {
namespace {

SourcePosition position_of(const toml::source_region& region) {
    return SourcePosition{static_cast<int>(region.begin.line),
                          static_cast<int>(region.begin.column)};
}

// The byte of `text` at 1-based `line` and `column` (in code points, as toml++ counts), or
// '\0' when there is none.
char char_at(std::string_view text, int line, int column) {
    std::size_t at = 0;
    for (int l = 1; l < line; ++l) {
        at = text.find('\n', at);
        if (at == std::string_view::npos) {
            return '\0';
        }
        ++at;
    }
    for (int c = 1; c < column && at < text.size(); ++c) {
        ++at;  // past one code point: its lead byte and continuation bytes
        while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
            ++at;
        }
    }
    return at < text.size() ? text[at] : '\0';
}

// True when the integer `node` is written with a sign '+' (toml++ keeps no flag for it).
bool has_plus_sign(const toml::node& node, std::string_view text) {
    const auto& begin = node.source().begin;
    return char_at(text, static_cast<int>(begin.line), static_cast<int>(begin.column)) == '+';
}

DocNode convert(const toml::node& node, std::string_view text) {
    DocNode out;
    out.where = position_of(node.source());
    if (const auto* table = node.as_table()) {
        out.kind = DocNode::Kind::table;
        for (const auto& [key, value] : *table) {
            out.entries.push_back(
                {std::string(key.str()), convert(value, text), position_of(key.source())});
        }
    } else if (const auto* array = node.as_array()) {
        out.kind = DocNode::Kind::array;
        for (const auto& item : *array) {
            out.items.push_back(convert(item, text));
        }
    } else if (const auto* s = node.as_string()) {
        out.kind = DocNode::Kind::string;
        out.text = s->get();
    } else if (const auto* i = node.as_integer(); i && i->flags() != toml::value_flags::none) {
        // 0x.., 0o.., 0b..: every number a person writes here is read as decimal.
        out.kind = DocNode::Kind::other;
        out.text = "a hexadecimal, octal or binary integer (numbers are decimal)";
    } else if (i != nullptr && has_plus_sign(node, text)) {
        // +25080: decimal means digits, with '-' the only sign (as on the command line).
        out.kind = DocNode::Kind::other;
        out.text = "an integer with a '+' sign (numbers are decimal digits)";
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

// The position of the first table or array nested deeper than k_max_nesting_depth (the root
// table is level 1), or nullopt. The walk stops there, so its own recursion stays bounded.
// Why: the screen bounds brackets and key parts one by one; together (a long dotted header,
// then dotted keys inside inline tables) they still build deeper trees.
std::optional<SourcePosition> too_deep(const toml::node& node, SourcePosition where, int level) {
    if (!node.is_table() && !node.is_array()) {
        return std::nullopt;
    }
    if (level > k_max_nesting_depth) {
        return where;
    }
    if (const auto* table = node.as_table()) {
        for (const auto& [key, value] : *table) {
            if (auto deep = too_deep(value, position_of(key.source()), level + 1)) {
                return deep;
            }
        }
    } else {
        for (const auto& item : *node.as_array()) {
            if (auto deep = too_deep(item, position_of(item.source()), level + 1)) {
                return deep;
            }
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

ErrorPosition position_in(std::string_view file, SourcePosition where) {
    return ErrorPosition{std::string(file), where.line, where.column};
}

Expected<DocNode> parse_toml_document(std::string_view text, std::string_view file) {
    if (auto size = check_input_size(text, file); !size) {
        return std::unexpected(size.error());
    }
    if (auto fast = parse_canonical_toml(text)) {
        return std::move(*fast);
    }
    return parse_toml_with_tomlplusplus(text, file);
}

Expected<DocNode> parse_toml_with_tomlplusplus(std::string_view text, std::string_view file) {
    if (auto size = check_input_size(text, file); !size) {
        return std::unexpected(size.error());
    }
    if (auto problem = screen_toml(text)) {
        return fail_at(ErrorCode::parse_error, position_in(file, problem->where), problem->what);
    }
    try {
        toml::table table = toml::parse(text, file);
        if (auto deep = too_deep(table, position_of(table.source()), 1)) {
            return fail_at(ErrorCode::parse_error, position_in(file, *deep), too_deep_text());
        }
        return convert(table, text);
    } catch (const toml::parse_error& err) {
        std::string what(err.description());
        // One line: toml++ descriptions may hold newlines.
        for (char& c : what) {
            if (c == '\n' || c == '\r') {
                c = ' ';
            }
        }
        return fail_at(ErrorCode::parse_error, position_in(file, position_of(err.source())), what);
    } catch (const std::exception& err) {
        return fail(ErrorCode::parse_error, fmt::format("{}: {}", file, err.what()));
    }
}

}  // namespace harmony::network::detail
