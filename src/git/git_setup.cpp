// `.gitattributes` lines and repository configuration that make git call the merge driver.
#include <harmony/network/file_io.hpp>
#include <harmony/network/git_repository.hpp>
#include <harmony/network/registry_file.hpp>
#include <harmony/network/registry_merge.hpp>

namespace harmony::network {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_driver = "harmony-ports";

std::vector<std::string> attribute_lines() {
    std::vector<std::string> lines;
    for (auto name : {k_registry_file, k_registry_yaml_file, k_registry_yml_file}) {
        std::string line(name);
        line += " merge=";
        line += k_driver;
        lines.push_back(std::move(line));
    }
    return lines;
}

bool has_line(std::string_view text, std::string_view wanted) {
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = std::min(text.find('\n', at), text.size());
        std::string_view line = text.substr(at, end - at);
        while (!line.empty() &&
               (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
            line.remove_suffix(1);
        }
        if (line == wanted) {
            return true;
        }
        at = end + 1;
    }
    return false;
}

Expected<std::vector<std::string>> add_attributes(const fs::path& file) {
    std::string text;
    if (entry_exists(file)) {
        auto read = read_file(file);
        if (!read) {
            return std::unexpected(read.error());
        }
        text = std::move(*read);
    }
    std::vector<std::string> added;
    for (auto& line : attribute_lines()) {
        if (!has_line(text, line)) {
            if (!text.empty() && text.back() != '\n') {
                text += '\n';
            }
            text += line + "\n";
            added.push_back(std::move(line));
        }
    }
    if (!added.empty()) {
        auto written = write_file_atomically(file, text);
        if (!written) {
            return std::unexpected(written.error());
        }
    }
    return added;
}

// Sets `key` unless it already holds `value`; true when it changed.
Expected<bool> set_config(const fs::path& top, const std::string& key, const std::string& value) {
    auto now = git_config_get(top, key);
    if (!now) {
        return std::unexpected(now.error());
    }
    if (*now == value) {
        return false;
    }
    auto set = git_config_set(top, key, value);
    if (!set) {
        return std::unexpected(set.error());
    }
    return true;
}

}  // namespace

Expected<GitSetupReport> setup_git_merge_driver(const fs::path& folder, std::string_view command) {
    auto top = git_toplevel(folder);
    if (!top) {
        return std::unexpected(top.error());
    }
    GitSetupReport report{*top / ".gitattributes", {}, false};
    auto added = add_attributes(report.attributes);
    if (!added) {
        return std::unexpected(added.error());
    }
    report.lines_added = std::move(*added);
    std::string section = "merge.";
    section += k_driver;
    std::string driver(command);
    driver += " merge-driver %O %A %B %P";
    for (const auto& [key, value] :
         {std::pair{section + ".name", std::string("harmony-ports registry merge")},
          std::pair{section + ".driver", driver}}) {
        auto changed = set_config(*top, key, value);
        if (!changed) {
            return std::unexpected(changed.error());
        }
        report.config_changed = report.config_changed || *changed;
    }
    return report;
}

}  // namespace harmony::network
