// The merge driver's file side: read %O %A %B, merge, write %A.
#include <harmony/network/file_io.hpp>
#include <harmony/network/git_repository.hpp>
#include <harmony/network/registry_file.hpp>
#include <harmony/network/registry_merge.hpp>

#include "util/printable.hpp"

namespace harmony::network {

namespace {

namespace fs = std::filesystem;

// Without the registry's name, its text tells: YAML's first key is "key:", TOML's "key =".
RegistryFormat sniff_format(std::string_view text) {
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        std::string_view line = text.substr(at, end == std::string_view::npos ? end : end - at);
        std::size_t key = line.find_first_not_of(" \t\r");
        if (key != std::string_view::npos && line[key] != '#') {
            std::size_t sep = line.find_first_of(":=", key);
            return sep != std::string_view::npos && line[sep] == ':' ? RegistryFormat::yaml
                                                                     : RegistryFormat::toml;
        }
        at = end == std::string_view::npos ? text.size() : end + 1;
    }
    return RegistryFormat::toml;
}

bool blank(std::string_view text) {
    return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

struct Inputs {
    RegistryFormat format = RegistryFormat::toml;
    PortRange range = k_adr014_range;
    std::string label;  // the registry as messages name it
};

Expected<Inputs> inputs_for(const MergeFiles& files, std::string_view ours_text) {
    Inputs in;
    bool named = !files.path_in_repository.empty();
    in.format = named ? format_for_path(files.path_in_repository) : sniff_format(ours_text);
    in.label = util::printable_text(
        (named ? files.path_in_repository : files.ours.filename()).string(), 200);
    fs::path config = named ? paths_for(files.path_in_repository).config : fs::path(k_config_file);
    auto range = read_harmony_config(config);
    if (!range) {
        return std::unexpected(range.error());
    }
    in.range = range->value_or(k_adr014_range);
    return in;
}

// One side's registry: an empty file (git's base when both sides added the registry) is an
// empty registry.
Expected<Registry> read_side(const std::string& text, const Inputs& in, std::string_view side) {
    if (blank(text)) {
        Registry empty;
        empty.range = in.range;
        return empty;
    }
    std::string label = in.label;
    label += " (";
    label += side;
    label += ')';
    return parse_registry(text, in.format, label, in.range);
}

// A side that does not load cannot be merged as data: leave git's line merge, so the user
// finds the usual conflict markers, and say so.
Error unmergeable(Error error, const MergeFiles& files) {
    auto text_merged =
        git_merge_file(files.ours, files.base, files.theirs, {"ours", "base", "theirs"});
    error.hint = {};  // the remedy for markers in a file does not apply to a side being merged
    if (text_merged) {
        error.message += *text_merged ? "; the file holds git's line merge of the two sides"
                                      : "; the file holds git's line merge with conflict markers";
    }
    return error;
}

}  // namespace

Expected<MergeOutcome> merge_registry_files(const MergeFiles& files) {
    std::array<std::string, 3> texts;
    const std::array<const fs::path*, 3> paths{&files.base, &files.ours, &files.theirs};
    for (std::size_t i = 0; i < paths.size(); ++i) {
        auto text = read_file(*paths[i]);
        if (!text) {
            return std::unexpected(text.error());
        }
        texts[i] = std::move(*text);
    }
    auto in = inputs_for(files, texts[1]);
    if (!in) {
        return std::unexpected(in.error());
    }
    std::array<Registry, 3> sides;
    constexpr std::array<std::string_view, 3> k_sides{"base", "ours", "theirs"};
    for (std::size_t i = 0; i < sides.size(); ++i) {
        auto registry = read_side(texts[i], *in, k_sides[i]);
        if (!registry) {
            return std::unexpected(unmergeable(registry.error(), files));
        }
        sides[i] = std::move(*registry);
    }
    MergeOutcome outcome{merge_registries(sides[0], sides[1], sides[2]), false};
    bool invalid = std::any_of(
        outcome.result.conflicts.begin(), outcome.result.conflicts.end(),
        [](const MergeConflict& c) { return c.kind == MergeConflictKind::invalid_result; });
    if (!invalid) {
        auto written =
            write_file_atomically(files.ours, render_registry(outcome.result.merged, in->format));
        if (!written) {
            return std::unexpected(written.error());
        }
        outcome.written = true;
    }
    return outcome;
}

}  // namespace harmony::network
