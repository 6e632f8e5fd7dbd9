// YAML -> DocNode. yaml-cpp reports errors by exception; they stop here.
#include "registry/doc_node.hpp"

#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace harmony::network::detail {
namespace {

SourcePosition position_of(const YAML::Mark& mark) {
    if (mark.is_null()) {
        return {};
    }
    return SourcePosition{mark.line + 1, mark.column + 1};
}

struct YamlError {
    SourcePosition where;
    std::string what;
};

DocNode convert(const YAML::Node& node, int depth) {
    DocNode out;
    out.where = position_of(node.Mark());
    if (depth > k_max_depth) {
        throw YamlError{out.where, "nesting is too deep"};
    }
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            out.kind = DocNode::Kind::table;
            std::set<std::string> seen;
            for (const auto& kv : node) {
                if (!kv.first.IsScalar()) {
                    throw YamlError{position_of(kv.first.Mark()), "keys must be plain text"};
                }
                auto key = kv.first.Scalar();
                if (!seen.insert(key).second) {
                    throw YamlError{position_of(kv.first.Mark()),
                                    fmt::format("duplicate key '{}'", key)};
                }
                out.entries.emplace_back(key, convert(kv.second, depth + 1));
                out.key_positions.push_back(position_of(kv.first.Mark()));
            }
            break;
        }
        case YAML::NodeType::Sequence:
            out.kind = DocNode::Kind::array;
            for (const auto& item : node) {
                out.items.push_back(convert(item, depth + 1));
            }
            break;
        case YAML::NodeType::Scalar:
            // Quoted scalars ("25080") are strings; plain ones are typed on demand.
            out.kind = node.Tag() == "!" ? DocNode::Kind::string : DocNode::Kind::scalar;
            out.text = node.Scalar();
            break;
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            out.kind = DocNode::Kind::other;
            out.text = "null";
            break;
    }
    return out;
}

}  // namespace

Expected<DocNode> parse_yaml_document(std::string_view text, std::string_view file) {
    try {
        std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
        if (docs.size() > 1) {
            return fail(ErrorCode::parse_error,
                        fmt::format("{}: expected one YAML document, found {}", file, docs.size()));
        }
        if (docs.empty() || docs[0].IsNull()) {
            DocNode empty;
            empty.kind = DocNode::Kind::table;
            return empty;
        }
        return convert(docs[0], 0);
    } catch (const YamlError& e) {
        return fail(ErrorCode::parse_error, position_prefix(file, e.where) + e.what);
    } catch (const YAML::Exception& e) {
        return fail(ErrorCode::parse_error, position_prefix(file, position_of(e.mark)) + e.msg);
    } catch (const std::exception& e) {
        return fail(ErrorCode::parse_error, fmt::format("{}: {}", file, e.what()));
    }
}

}  // namespace harmony::network::detail
