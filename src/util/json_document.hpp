// JSON input read the one bounded way: size limit, a screen for nesting and numbers before
// nlohmann parses, and nlohmann's exceptions turned into positioned parse_error values.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include <harmony/network/error.hpp>

namespace harmony::network::detail {

// Parses `text` as one JSON document. Errors: parse_error "FILE:LINE:COL: what" for malformed
// JSON, nesting deeper than k_max_nesting_depth and numbers out of range (beyond std::int64_t,
// or 1e400); parse_error "FILE: what" for input larger than k_max_input_bytes. Never throws.
Expected<nlohmann::json> parse_json_document(std::string_view text, std::string_view file);

}  // namespace harmony::network::detail
