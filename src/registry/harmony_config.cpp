#include <harmony/network/registry_file.hpp>

#include <fmt/format.h>

#include "registry/doc_node.hpp"

namespace harmony::network {

Expected<PortRange> parse_harmony_config(std::string_view text, std::string_view file) {
    auto doc = detail::parse_toml_document(text, file);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    // Walk harmony -> network -> defaults -> orchestrator_port_range; absence means default.
    const detail::DocNode* node = &*doc;
    for (std::string_view key : {"harmony", "network", "defaults", "orchestrator_port_range"}) {
        if (node->kind != detail::DocNode::Kind::table) {
            return fail(ErrorCode::invalid_argument,
                        detail::position_prefix(file, node->where) +
                            fmt::format("expected a table holding '{}'", key));
        }
        const detail::DocNode* next = nullptr;
        for (const auto& entry : node->entries) {
            if (entry.key == key) {
                next = &entry.value;
            }
        }
        if (next == nullptr) {
            return k_adr014_range;
        }
        node = next;
    }
    if (node->kind != detail::DocNode::Kind::string) {
        return fail(ErrorCode::invalid_argument,
                    detail::position_prefix(file, node->where) +
                        "orchestrator_port_range must be a string such as \"25000-25999\"");
    }
    auto range = PortRange::parse(node->text);
    if (!range) {
        return fail(ErrorCode::invalid_argument,
                    detail::position_prefix(file, node->where) + range.error().message);
    }
    return *range;
}

}  // namespace harmony::network
