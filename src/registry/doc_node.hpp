// A neutral, positioned document tree that TOML and YAML both parse into, so one decoder
// validates the registry content model for either format with the same messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network::detail {

struct DocNode {
    // `scalar` is an untyped YAML scalar: read as string, integer or boolean on demand.
    enum class Kind { table, array, string, integer, boolean, scalar, other };
    // Declared noexcept so vectors of nodes move, not copy, when they grow: the implicit ones
    // are judged while Entry is still incomplete.
    DocNode() = default;
    DocNode(const DocNode&) = default;
    DocNode(DocNode&&) noexcept = default;
    DocNode& operator=(const DocNode&) = default;
    DocNode& operator=(DocNode&&) noexcept = default;
    ~DocNode() = default;

    Kind kind = Kind::other;
    struct Entry;
    std::vector<Entry> entries;  // table, in file order
    std::vector<DocNode> items;  // array
    std::string text;            // string / scalar / other's type
    std::int64_t integer = 0;
    bool boolean = false;
    SourcePosition where;
};

// One key of a table (complete only here: vector allows an incomplete element type, pair not).
struct DocNode::Entry {
    std::string key;
    DocNode value;
    SourcePosition key_position;
};

// Parse failures carry parse_error and "file:line:col: what". Input larger than
// k_max_input_bytes, or nested deeper or with longer dotted keys than limits.hpp allows, is
// refused (parse_error) before any recursion can grow with it.
// TOML: the fast canonical reader when it accepts the text, else toml++.
Expected<DocNode> parse_toml_document(std::string_view text, std::string_view file);
// TOML through toml++ only (the reference the fast reader is tested against).
Expected<DocNode> parse_toml_with_tomlplusplus(std::string_view text, std::string_view file);
Expected<DocNode> parse_yaml_document(std::string_view text, std::string_view file);

// "file:line:col: " (or "file: " when the position is unknown).
std::string position_prefix(std::string_view file, SourcePosition where);

// `where` in `file` as an error's position (line 0: unknown).
ErrorPosition position_in(std::string_view file, SourcePosition where);

}  // namespace harmony::network::detail
