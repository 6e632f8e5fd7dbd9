// The few git plumbing commands the registry needs, run as a program so any git works.
#include <harmony/network/git_repository.hpp>
#include <harmony/network/limits.hpp>

#include "util/printable.hpp"
#include "util/subprocess.hpp"

namespace harmony::network {

namespace {

namespace fs = std::filesystem;
using util::printable_text;

constexpr std::size_t k_max_message = std::size_t{64} * 1024;

Expected<util::ProgramResult> git(const fs::path& cwd, std::vector<std::string> args,
                                  std::size_t max_output = k_max_message) {
    args.insert(args.begin(), "git");
    return util::run_program(args, cwd, max_output);
}

// git's first stderr line, printable, for a message.
std::string first_line(const std::string& text) {
    return printable_text(text.substr(0, text.find('\n')), 200);
}

Error git_failed(const util::ProgramResult& r, std::string_view doing) {
    return Error{ErrorCode::io_error,
                 "git failed " + std::string(doing) + ": " + first_line(r.err)};
}

// A revision that git could take for an option or a path is refused before git sees it.
bool plausible_revision(std::string_view revision) {
    if (revision.empty() || revision.front() == '-' || revision.size() > 256) {
        return false;
    }
    for (unsigned char c : revision) {
        if (c < 0x21 || c == 0x7f || c == ':') {
            return false;
        }
    }
    return true;
}

}  // namespace

Expected<fs::path> git_toplevel(const fs::path& folder) {
    auto r = git(folder, {"rev-parse", "--show-toplevel"});
    if (!r) {
        return std::unexpected(r.error());
    }
    if (r->exit_status != 0) {
        return fail(ErrorCode::invalid_argument,
                    printable_text(folder.string()) + " is not inside a git work tree");
    }
    std::string top = r->out.substr(0, r->out.find('\n'));
    return fs::path(top);
}

Expected<std::string> git_relative_path(const fs::path& toplevel, const fs::path& path) {
    std::error_code ec;
    fs::path top = fs::weakly_canonical(toplevel, ec);
    fs::path full = fs::weakly_canonical(fs::absolute(path, ec), ec);
    fs::path relative = full.lexically_relative(top);
    if (ec || relative.empty() || *relative.begin() == "..") {
        return fail(ErrorCode::invalid_argument, printable_text(path.string()) +
                                                     " is outside the git work tree " +
                                                     printable_text(toplevel.string()));
    }
    return relative.generic_string();
}

Expected<std::string> git_commit_of(const fs::path& toplevel, std::string_view revision) {
    std::string shown = printable_text(revision);
    if (!plausible_revision(revision)) {
        return fail(ErrorCode::invalid_argument, "'" + shown + "' is not a revision name");
    }
    auto commit = git(toplevel, {"rev-parse", "--verify", "--quiet", "--end-of-options",
                                 std::string(revision) + "^{commit}"});
    if (!commit) {
        return std::unexpected(commit.error());
    }
    if (commit->exit_status != 0) {
        return fail(ErrorCode::invalid_argument,
                    "no commit named '" + shown + "' in " + printable_text(toplevel.string()));
    }
    return commit->out.substr(0, commit->out.find('\n'));
}

Expected<std::optional<std::string>> git_file_at(const fs::path& toplevel, std::string_view commit,
                                                 std::string_view relative_path) {
    std::string object(commit);
    object += ':';
    object += relative_path;
    auto exists = git(toplevel, {"cat-file", "-e", object});
    if (!exists) {
        return std::unexpected(exists.error());
    }
    if (exists->exit_status != 0) {
        return std::optional<std::string>{};
    }
    auto blob = git(toplevel, {"cat-file", "blob", object}, k_max_input_bytes);
    if (!blob) {
        return std::unexpected(blob.error());
    }
    if (blob->exit_status != 0) {
        return std::unexpected(git_failed(*blob, "reading " + printable_text(object)));
    }
    return std::optional<std::string>(std::move(blob->out));
}

Expected<std::optional<std::string>> git_config_get(const fs::path& toplevel,
                                                    std::string_view key) {
    auto r = git(toplevel, {"config", "--local", "--get", std::string(key)});
    if (!r) {
        return std::unexpected(r.error());
    }
    if (r->exit_status == 1) {
        return std::optional<std::string>{};
    }
    if (r->exit_status != 0) {
        return std::unexpected(git_failed(*r, "reading " + printable_text(key)));
    }
    return std::optional<std::string>(r->out.substr(0, r->out.find('\n')));
}

Expected<void> git_config_set(const fs::path& toplevel, std::string_view key,
                              std::string_view value) {
    auto r = git(toplevel, {"config", "--local", std::string(key), std::string(value)});
    if (!r) {
        return std::unexpected(r.error());
    }
    if (r->exit_status != 0) {
        return std::unexpected(git_failed(*r, "setting " + printable_text(key)));
    }
    return {};
}

Expected<bool> git_merge_file(const fs::path& ours, const fs::path& base, const fs::path& theirs,
                              const std::array<std::string, 3>& labels) {
    auto r =
        git(fs::current_path(), {"merge-file", "-L", labels[0], "-L", labels[1], "-L", labels[2],
                                 "--", ours.string(), base.string(), theirs.string()});
    if (!r) {
        return std::unexpected(r.error());
    }
    if (r->exit_status > 127) {
        return std::unexpected(git_failed(*r, "merging " + printable_text(ours.string())));
    }
    return r->exit_status == 0;
}

}  // namespace harmony::network
