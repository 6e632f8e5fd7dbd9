// A fast reader for the canonical TOML subset harmony-ports writes (comments, `[[table]]`
// headers, `key = value` with integers, booleans, basic strings and one-line string arrays).
// Why: toml++ dominates the cost of a CLI call on a large registry. Anything outside the
// subset (including every error) returns nullopt, and the caller falls back to toml++, so
// messages for bad input always come from the full parser. fuzz/toml_fast_diff_fuzz.cpp checks
// that an accepted input gives exactly the tree toml++ gives, positions included.
#pragma once

#include <optional>
#include <string_view>

#include "registry/doc_node.hpp"

namespace harmony::network::detail {

std::optional<DocNode> parse_canonical_toml(std::string_view text);

// True when both trees hold the same kinds, keys, values and positions.
bool same_document(const DocNode& a, const DocNode& b);

}  // namespace harmony::network::detail
