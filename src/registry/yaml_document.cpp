// YAML -> DocNode. yaml-cpp reports errors by exception; they stop here.
#include "registry/doc_node.hpp"
#include "util/input_limits.hpp"

#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <harmony/network/limits.hpp>

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

// `level` counts the maps and sequences around `node`, itself included (the Screen has
// already refused deeper input; this keeps the walk bounded on its own).
DocNode convert(const YAML::Node& node, int level) {
    DocNode out;
    out.where = position_of(node.Mark());
    if (level > k_max_nesting_depth && (node.IsMap() || node.IsSequence())) {
        throw YamlError{out.where, too_deep_text()};
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
                out.entries.push_back(
                    {key, convert(kv.second, level + 1), position_of(kv.first.Mark())});
            }
            break;
        }
        case YAML::NodeType::Sequence:
            out.kind = DocNode::Kind::array;
            for (const auto& item : node) {
                out.items.push_back(convert(item, level + 1));
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

// A first pass over the parser's events, before any node is built: counts documents, finds
// aliases and bounds nesting. Why: yaml-cpp 0.7's LoadAll loops forever on some inputs (",")
// producing empty documents, aliases let a few hundred bytes expand into 10^9 copied nodes,
// and its parser recurses once per level (up to 2,000, then a bare "bad file"): throwing at
// the first map or sequence deeper than k_max_nesting_depth stops that recursion there.
class Screen : public YAML::EventHandler {
  public:
    int documents = 0;
    std::optional<YAML::Mark> alias;
    int level = 0;

    void OnDocumentStart(const YAML::Mark&) override { ++documents; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
        if (!alias) {
            alias = mark;
        }
    }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        enter(mark);
    }
    void OnSequenceEnd() override { --level; }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        enter(mark);
    }
    void OnMapEnd() override { --level; }

  private:
    void enter(const YAML::Mark& mark) {
        if (++level > k_max_nesting_depth) {
            throw YamlError{position_of(mark), too_deep_text()};
        }
    }
};

}  // namespace

Expected<DocNode> parse_yaml_document(std::string_view text, std::string_view file) {
    if (auto size = check_input_size(text, file); !size) {
        return std::unexpected(size.error());
    }
    try {
        const std::string input(text);
        std::istringstream stream(input);
        YAML::Parser parser(stream);
        Screen screen;
        // At most two documents are looked at: a second one is already an error.
        for (int i = 0; i < 2 && parser.HandleNextDocument(screen); ++i) {
        }
        if (screen.documents > 1) {
            return fail(ErrorCode::parse_error,
                        fmt::format("{}: expected one YAML document, found more", file));
        }
        if (screen.alias) {
            return fail_at(ErrorCode::parse_error, position_in(file, position_of(*screen.alias)),
                           "YAML aliases (*name) are not allowed in a registry");
        }
        YAML::Node doc = YAML::Load(input);
        if (screen.documents == 0 || doc.IsNull()) {
            DocNode empty;
            empty.kind = DocNode::Kind::table;
            return empty;
        }
        return convert(doc, 1);
    } catch (const YamlError& e) {
        return fail_at(ErrorCode::parse_error, position_in(file, e.where), e.what);
    } catch (const YAML::Exception& e) {
        return fail_at(ErrorCode::parse_error, position_in(file, position_of(e.mark)), e.msg);
    } catch (const std::exception& e) {
        return fail(ErrorCode::parse_error, fmt::format("{}: {}", file, e.what()));
    }
}

}  // namespace harmony::network::detail
