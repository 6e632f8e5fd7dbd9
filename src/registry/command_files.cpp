// The files a command reads, and the refusal to write its output over one of them.
#include <harmony/network/command_files.hpp>

#include <sys/stat.h>

#include <fmt/format.h>

#include <harmony/network/file_io.hpp>
#include <harmony/network/registry_file.hpp>

#include "registry/os_error.hpp"

namespace harmony::network {
namespace fs = std::filesystem;

namespace {

// Where `path` really is (links followed), or nullopt when it names no file at all.
std::optional<fs::path> real_path(const fs::path& path) {
    if (path.empty() || path == "-") {
        return std::nullopt;
    }
    auto real = resolve_file_path(path);
    return real ? std::optional<fs::path>(std::move(*real)) : std::nullopt;
}

// True when the resolved paths `a` and `b` are one file: the same path, or the same inode.
bool same_file(const fs::path& a, const fs::path& b) {
    if (a == b) {
        return true;
    }
    struct stat sa {};
    struct stat sb {};
    return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

void add_existing(std::vector<CommandInput>& inputs, const fs::path& path, std::string what) {
    if (!path.empty() && entry_exists(path)) {
        inputs.push_back(CommandInput{path, std::move(what)});
    }
}

}  // namespace

std::vector<CommandInput> store_inputs(const RegistryStore& store, const StoreOptions& options) {
    std::vector<CommandInput> inputs;
    const auto* files = dynamic_cast<const FileRegistryStore*>(&store);
    if (files != nullptr && files->location().paths) {
        add_existing(inputs, files->location().paths->registry, "the registry file");
        add_existing(inputs, files->location().paths->config, "the registry's harmony.toml");
        return inputs;
    }
    std::error_code ec;
    const fs::path start = files != nullptr && !files->location().searched_from.empty()
                               ? files->location().searched_from
                           : options.start.empty() ? fs::current_path(ec)
                                                   : options.start;
    if (auto config = ec ? std::nullopt : discover_config(start)) {
        add_existing(inputs, *config, "the harmony.toml");
    }
    return inputs;
}

Expected<void> require_output_not_input(const fs::path& output,
                                        const std::vector<CommandInput>& inputs) {
    const auto target = real_path(output);
    if (!target) {
        return {};
    }
    for (const auto& input : inputs) {
        const auto read = real_path(input.path);
        if (read && same_file(*target, *read)) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("output {} is {} this command reads; nothing written",
                                    detail::shown(output), input.what));
        }
    }
    return {};
}

}  // namespace harmony::network
