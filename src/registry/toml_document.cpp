// TOML -> DocNode. The only translation unit that includes toml++; its exceptions stop here.
#include "registry/doc_node.hpp"
#include "util/toml.hpp"

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
    } else if (const auto* i = node.as_integer()) {
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

}  // namespace

std::string position_prefix(std::string_view file, SourcePosition where) {
    if (where.line <= 0) {
        return fmt::format("{}: ", file);
    }
    return fmt::format("{}:{}:{}: ", file, where.line, where.column);
}

Expected<DocNode> parse_toml_document(std::string_view text, std::string_view file) {
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
