// DocNode -> Registry: the registry content model, validated, every problem collected.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/policy.hpp>
#include <harmony/network/registry.hpp>

#include "registry/doc_node.hpp"

namespace harmony::network::detail {

struct Decoded {
    Registry registry;
    std::vector<std::string> errors;  // content errors ("file:line:col: what"); fatal
    SourcePosition first_error{};     // where the first of `errors` is
    std::vector<Finding> conflicts;   // conflicts between well-formed entries
};

// Decodes and validates `root` against the content model for `range`.
Decoded decode_registry(const DocNode& root, std::string_view file, PortRange range);

}  // namespace harmony::network::detail
