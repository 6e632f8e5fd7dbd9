#include "registry/trust.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "registry/os_error.hpp"

namespace harmony::network::detail {
namespace fs = std::filesystem;

namespace {

bool trusted_owner(uid_t uid) {
    return uid == 0 || uid == ::geteuid();
}

Error untrusted(const fs::path& found, std::string what) {
    return Error{ErrorCode::untrusted,
                 fmt::format("{}: not trusted: {}; it was found by walking up, not named",
                             shown(found), what),
                 Hint{HintKind::trust_explicitly, found.string()}};
}

// One link or file and the folder holding it.
Expected<void> check_entry(const fs::path& found, const fs::path& entry) {
    struct stat st {};
    if (::lstat(entry.c_str(), &st) != 0) {
        return std::unexpected(os_error(errno, entry, "examine"));
    }
    if (!trusted_owner(st.st_uid)) {
        return std::unexpected(
            untrusted(found, fmt::format("{} is owned by uid {}", shown(entry), st.st_uid)));
    }
    const fs::path folder = entry.parent_path();
    struct stat dir {};
    if (::stat(folder.c_str(), &dir) != 0) {
        return std::unexpected(os_error(errno, folder, "examine"));
    }
    if (!trusted_owner(dir.st_uid)) {
        return std::unexpected(untrusted(
            found, fmt::format("its folder {} is owned by uid {}", shown(folder), dir.st_uid)));
    }
    if ((dir.st_mode & S_IWOTH) != 0 && (dir.st_mode & S_ISVTX) == 0) {
        return std::unexpected(untrusted(
            found, fmt::format("its folder {} is writable by every user", shown(folder))));
    }
    return {};
}

}  // namespace

Expected<void> require_trusted(const fs::path& path) {
    std::error_code ec;
    fs::path entry = fs::absolute(path, ec);
    for (int hops = 0; hops <= 40; ++hops) {
        if (auto ok = check_entry(path, entry); !ok) {
            return ok;
        }
        if (!fs::is_symlink(entry, ec)) {
            return {};
        }
        fs::path target = fs::read_symlink(entry, ec);
        if (ec) {
            return std::unexpected(os_error(ec.value(), entry, "read the link"));
        }
        entry = target.is_absolute() ? target : entry.parent_path() / target;
    }
    return std::unexpected(os_error(ELOOP, path, "resolve"));
}

}  // namespace harmony::network::detail
