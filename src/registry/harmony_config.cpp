#include <harmony/network/registry_file.hpp>

#include <fmt/format.h>

#include "registry/doc_node.hpp"

namespace harmony::network {

namespace {

// The node at harmony.network.SECTION.KEY, nullptr when absent. Error: a step is not a table.
Expected<const detail::DocNode*> find_setting(const detail::DocNode& doc, std::string_view file,
                                              std::string_view section, std::string_view key) {
    const detail::DocNode* node = &doc;
    for (std::string_view step :
         {std::string_view("harmony"), std::string_view("network"), section, key}) {
        if (node->kind != detail::DocNode::Kind::table) {
            return fail(ErrorCode::invalid_argument,
                        detail::position_prefix(file, node->where) +
                            fmt::format("expected a table holding '{}'", step));
        }
        const detail::DocNode* next = nullptr;
        for (const auto& entry : node->entries) {
            if (entry.key == step) {
                next = &entry.value;
            }
        }
        if (next == nullptr) {
            return nullptr;
        }
        node = next;
    }
    return node;
}

}  // namespace

Expected<PortRange> parse_harmony_config(std::string_view text, std::string_view file) {
    auto doc = detail::parse_toml_document(text, file);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    auto node = find_setting(*doc, file, "defaults", "orchestrator_port_range");
    if (!node) {
        return std::unexpected(node.error());
    }
    if (*node == nullptr) {
        return k_adr014_range;
    }
    if ((*node)->kind != detail::DocNode::Kind::string) {
        return fail(ErrorCode::invalid_argument,
                    detail::position_prefix(file, (*node)->where) +
                        "orchestrator_port_range must be a string such as \"25000-25999\"");
    }
    auto range = PortRange::parse((*node)->text);
    if (!range) {
        return fail(ErrorCode::invalid_argument,
                    detail::position_prefix(file, (*node)->where) + range.error().message);
    }
    return *range;
}

Expected<std::string> parse_harmony_store_url(std::string_view text, std::string_view file) {
    auto doc = detail::parse_toml_document(text, file);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    auto node = find_setting(*doc, file, "store", "url");
    if (!node) {
        return std::unexpected(node.error());
    }
    if (*node == nullptr) {
        return std::string();
    }
    if ((*node)->kind != detail::DocNode::Kind::string) {
        return fail(ErrorCode::invalid_argument,
                    detail::position_prefix(file, (*node)->where) +
                        "the store url must be a string such as \"nats://host:4222\"");
    }
    return (*node)->text;
}

}  // namespace harmony::network
