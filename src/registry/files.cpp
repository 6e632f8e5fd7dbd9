// The registry on disk: file names, discovery by walking up, loading with validation.
#include <harmony/network/registry_file.hpp>

#include <fmt/format.h>

#include "registry/decode.hpp"
#include "registry/doc_node.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace fs = std::filesystem;

RegistryFormat format_for_path(const fs::path& path) {
    auto ext = path.extension().string();
    return (ext == ".yaml" || ext == ".yml") ? RegistryFormat::yaml : RegistryFormat::toml;
}

namespace {

// The first folder from `start` upward holding one of `names`, and that file.
std::optional<fs::path> walk_up(const fs::path& start,
                                std::initializer_list<std::string_view> names) {
    std::error_code ec;
    fs::path dir = fs::absolute(start, ec);
    if (ec) {
        return std::nullopt;
    }
    while (true) {
        for (auto name : names) {
            fs::path candidate = dir / name;
            if (entry_exists(candidate)) {
                return candidate;
            }
        }
        if (!dir.has_parent_path() || dir.parent_path() == dir) {
            return std::nullopt;
        }
        dir = dir.parent_path();
    }
}

}  // namespace

std::optional<fs::path> discover_registry(const fs::path& start) {
    return walk_up(start, {k_registry_file, k_registry_yaml_file, k_registry_yml_file});
}

std::optional<fs::path> discover_config(const fs::path& start) {
    return walk_up(start, {k_config_file});
}

bool is_registry_file_name(std::string_view name) {
    return name == k_registry_file || name == k_registry_yaml_file || name == k_registry_yml_file;
}

std::vector<fs::path> registry_files_in(const fs::path& folder) {
    std::vector<fs::path> out;
    for (auto name : {k_registry_file, k_registry_yaml_file, k_registry_yml_file}) {
        if (entry_exists(folder / name)) {
            out.push_back(folder / name);
        }
    }
    return out;
}

RegistryPaths paths_for(const fs::path& registry) {
    return RegistryPaths{registry, registry.parent_path() / k_config_file};
}

namespace {

// The first of git's conflict markers at the start of a line ("<<<<<<< ours", "=======",
// ">>>>>>> theirs", diff3's "||||||| base"), and where it is.
std::optional<std::pair<std::size_t, std::string_view>> conflict_marker(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        for (std::string_view marker : {"<<<<<<<", "|||||||", "=======", ">>>>>>>"}) {
            std::string_view rest = text.substr(at);
            if (rest.starts_with(marker) &&
                (rest.size() == marker.size() || rest[marker.size()] == ' ' ||
                 rest[marker.size()] == '\n' || rest[marker.size()] == '\r')) {
                return std::pair{at, marker};
            }
        }
        std::size_t end = text.find('\n', at);
        at = end == std::string_view::npos ? text.size() : end + 1;
    }
    return std::nullopt;
}

}  // namespace

Expected<LenientLoad> parse_registry_lenient(std::string_view text, RegistryFormat format,
                                             std::string_view file, PortRange range) {
    if (auto marker = conflict_marker(text)) {
        return fail_at(ErrorCode::parse_error,
                       {std::string(file), util::line_column(text, marker->first).line, 1},
                       fmt::format("unresolved git merge conflict ('{}' marker): the registry "
                                   "was merged as lines of text, which can keep two services "
                                   "on one port or drop one",
                                   marker->second),
                       Hint{HintKind::merge_conflict, std::string(file)});
    }
    auto doc = format == RegistryFormat::yaml ? detail::parse_yaml_document(text, file)
                                              : detail::parse_toml_document(text, file);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    detail::Decoded decoded = detail::decode_registry(*doc, file, range);
    if (!decoded.errors.empty()) {
        std::string message;
        for (const auto& e : decoded.errors) {
            message += (message.empty() ? "" : "\n") + e;
        }
        Error error{ErrorCode::invalid_registry, std::move(message)};
        if (decoded.first_error.line > 0) {
            error.position = detail::position_in(file, decoded.first_error);
        }
        return std::unexpected(std::move(error));
    }
    return LenientLoad{std::move(decoded.registry), std::move(decoded.conflicts)};
}

// A lenient load whose conflicts are fatal: every problem, one per line.
static Expected<Registry> strict(Expected<LenientLoad> loaded) {
    if (!loaded) {
        return std::unexpected(loaded.error());
    }
    if (!loaded->problems.empty()) {
        std::string message;
        for (const auto& f : loaded->problems) {
            message += (message.empty() ? "" : "\n") + f.message;
        }
        return fail(ErrorCode::invalid_registry, std::move(message));
    }
    return std::move(loaded->registry);
}

Expected<Registry> parse_registry(std::string_view text, RegistryFormat format,
                                  std::string_view file, PortRange range) {
    return strict(parse_registry_lenient(text, format, file, range));
}

Expected<std::optional<PortRange>> read_harmony_config(const fs::path& path) {
    if (!entry_exists(path)) {
        return std::optional<PortRange>{};
    }
    auto text = read_file(path);
    if (!text) {
        return std::unexpected(text.error());
    }
    auto range = parse_harmony_config(*text, path.string());
    if (!range) {
        return std::unexpected(range.error());
    }
    return std::optional<PortRange>(*range);
}

Expected<LenientLoad> load_registry_lenient(const RegistryPaths& paths) {
    auto range = read_harmony_config(paths.config);
    if (!range) {
        return std::unexpected(range.error());
    }
    auto text = read_file(paths.registry);
    if (!text) {
        return std::unexpected(text.error());
    }
    return parse_registry_lenient(*text, format_for_path(paths.registry), paths.registry.string(),
                                  range->value_or(k_adr014_range));
}

Expected<Registry> load_registry(const RegistryPaths& paths) {
    return strict(load_registry_lenient(paths));
}

}  // namespace harmony::network
