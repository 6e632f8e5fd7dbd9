// Files as the library touches them: links resolved, regular files only, atomic replacement.
#include <harmony/network/file_io.hpp>

#include <cerrno>
#include <climits>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <harmony/network/limits.hpp>

#include "registry/os_error.hpp"
#include "util/fd.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace fs = std::filesystem;
using util::UniqueFd;

namespace detail {

Error os_error(int err, const fs::path& path, std::string_view doing) {
    ErrorCode code = (err == EACCES || err == EPERM || err == EROFS)
                         ? ErrorCode::permission_denied
                         : (err == ENOENT ? ErrorCode::file_not_found : ErrorCode::io_error);
    return Error{code, fmt::format("{}: cannot {}: {}", shown(path), doing, std::strerror(err))};
}

std::string shown(const fs::path& path) {
    return util::printable_text(path.native(), 4096);
}

}  // namespace detail

namespace {

using detail::os_error;
using detail::shown;

constexpr int k_max_link_hops = 40;  // as the kernel's MAXSYMLINKS

// What a non-regular file is, for messages.
std::string_view kind_of(mode_t mode) {
    if (S_ISDIR(mode)) {
        return "a folder";
    }
    if (S_ISCHR(mode)) {
        return "a character device";
    }
    if (S_ISBLK(mode)) {
        return "a block device";
    }
    if (S_ISFIFO(mode)) {
        return "a fifo";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    return "not a regular file";
}

Error not_regular(const fs::path& path, mode_t mode) {
    return Error{ErrorCode::invalid_argument,
                 fmt::format("{}: is {}, not a regular file; not read or written", shown(path),
                             kind_of(mode))};
}

Expected<fs::path> read_link(const fs::path& link) {
    std::string target(PATH_MAX, '\0');
    ssize_t n = ::readlink(link.c_str(), target.data(), target.size());
    if (n < 0) {
        return std::unexpected(os_error(errno, link, "read the link"));
    }
    target.resize(static_cast<std::size_t>(n));
    return fs::path(target);
}

bool write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// The temporary-file name pattern; remove_stale_temporaries must match it.
std::string temporary_prefix(const fs::path& path) {
    // Appended piecewise: GCC 12 at -O3 warns falsely (-Wrestrict) on "." + string + "...".
    std::string prefix(".");
    prefix += path.filename().string();
    prefix += ".tmp.";
    return prefix;
}

// The write-permission verdict on an existing target, before anything is written.
Expected<void> require_writable(const fs::path& shown_path, const fs::path& real,
                                const struct stat& st) {
    // Root may write anything, so honour the file's own mode: no write bit, no write.
    if ((st.st_mode & 0222) == 0) {
        return fail(ErrorCode::permission_denied,
                    fmt::format("{}: the file is read-only (mode {:04o}); not changed",
                                shown(shown_path), st.st_mode & 07777));
    }
    if (::faccessat(AT_FDCWD, real.c_str(), W_OK, AT_EACCESS) != 0) {
        if (errno == EROFS) {  // no uid may write it: the mount says so, not the file
            return fail(
                ErrorCode::permission_denied,
                fmt::format("{}: is on a read-only file system; not changed", shown(shown_path)));
        }
        return fail(ErrorCode::permission_denied,
                    fmt::format("{}: permission denied: uid {} may not write it; not changed",
                                shown(shown_path), ::geteuid()));
    }
    return {};
}

// Gives the new file the old one's owner and group; a caller who may not give a file away
// (not root) still keeps the group when it is one of theirs.
void keep_owner(int fd, const struct stat& old) {
    if (::fchown(fd, old.st_uid, old.st_gid) != 0) {
        (void)::fchown(fd, static_cast<uid_t>(-1), old.st_gid);
    }
}

// The temporary file's life: written, owned, synced, renamed; removed on any failure.
class Temporary {
  public:
    static Expected<Temporary> create(const fs::path& target) {
        std::string name = (target.parent_path() / (temporary_prefix(target) + "XXXXXX")).string();
        int fd = ::mkstemp(name.data());
        if (fd < 0) {
            return std::unexpected(
                os_error(errno, target.parent_path(), "create a temporary file in"));
        }
        return Temporary(std::move(name), fd);
    }
    Temporary(Temporary&&) = default;
    Temporary& operator=(Temporary&&) = delete;
    Temporary(const Temporary&) = delete;
    Temporary& operator=(const Temporary&) = delete;
    ~Temporary() {
        if (!m_name.empty()) {
            ::unlink(m_name.c_str());
        }
    }
    [[nodiscard]] int fd() const { return m_fd.get(); }
    [[nodiscard]] const std::string& name() const { return m_name; }
    // Closes and renames over `target`; the temporary name no longer exists afterwards.
    Expected<void> commit(const fs::path& target) {
        if (::close(m_fd.release()) != 0) {
            return std::unexpected(os_error(errno, m_name, "close"));
        }
        if (::rename(m_name.c_str(), target.c_str()) != 0) {
            return std::unexpected(os_error(errno, m_name, "rename into place"));
        }
        m_name.clear();
        return {};
    }

  private:
    Temporary(std::string name, int fd) : m_name(std::move(name)), m_fd(fd) {}
    std::string m_name;
    UniqueFd m_fd;
};

Expected<void> sync_folder(const fs::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid() || ::fsync(fd.get()) != 0) {
        return std::unexpected(os_error(errno, dir, "fsync the folder"));
    }
    return {};
}

Expected<std::string> read_all(int fd, const fs::path& path) {
    std::string text;
    char buffer[65536];
    while (true) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return std::unexpected(os_error(errno, path, "read"));
        }
        if (n == 0) {
            return text;
        }
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > k_max_input_bytes) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("{}: is larger than {} MiB, the most any input may hold",
                                    shown(path), k_max_input_bytes >> 20));
        }
    }
}

}  // namespace

bool entry_exists(const fs::path& path) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(path, ec));
}

Expected<fs::path> resolve_file_path(const fs::path& path) {
    std::error_code ec;
    fs::path current = fs::absolute(path, ec);
    if (ec) {
        return std::unexpected(os_error(ec.value(), path, "resolve"));
    }
    for (int hops = 0; hops <= k_max_link_hops; ++hops) {
        fs::path folder = fs::canonical(current.parent_path(), ec);
        if (ec) {
            return std::unexpected(os_error(ec.value(), current.parent_path(), "open the folder"));
        }
        current = folder / current.filename();
        struct stat st {};
        if (::lstat(current.c_str(), &st) != 0) {
            if (errno == ENOENT) {
                return current;  // a new file (or a dangling link's target) is created here
            }
            return std::unexpected(os_error(errno, current, "examine"));
        }
        if (!S_ISLNK(st.st_mode)) {
            return current;
        }
        auto target = read_link(current);
        if (!target) {
            return std::unexpected(target.error());
        }
        current = target->is_absolute() ? *target : folder / *target;
    }
    return std::unexpected(os_error(ELOOP, path, "resolve"));
}

Expected<void> require_regular_or_missing(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            return {};
        }
        return std::unexpected(os_error(errno, path, "examine"));
    }
    if (!S_ISREG(st.st_mode)) {
        return std::unexpected(not_regular(path, st.st_mode));
    }
    return {};
}

Expected<std::string> read_file(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return std::unexpected(os_error(errno, path, "read"));
    }
    if (!S_ISREG(st.st_mode)) {
        return std::unexpected(not_regular(path, st.st_mode));
    }
    // O_NONBLOCK and O_NOCTTY: should the path be swapped for a fifo or a terminal after the
    // check, the open neither hangs nor adopts it; fstat below then refuses it.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd.valid()) {
        return std::unexpected(os_error(errno, path, "read"));
    }
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return std::unexpected(not_regular(path, st.st_mode));
    }
    return read_all(fd.get(), path);
}

std::string input_label(std::string_view name) {
    return std::string(name == "-" ? k_stdin_label : name);
}

Expected<NamedInput> read_input(std::string_view name) {
    auto text =
        name == "-" ? read_all(STDIN_FILENO, fs::path(k_stdin_label)) : read_file(fs::path(name));
    if (!text) {
        return std::unexpected(text.error());
    }
    return NamedInput{std::move(*text), input_label(name)};
}

Expected<void> write_file_atomically(const fs::path& path, std::string_view text) {
    // The kernel's view first: magic links such as /dev/stdout resolve to no path at all.
    if (auto ok = require_regular_or_missing(path); !ok) {
        return ok;
    }
    auto real = resolve_file_path(path);
    if (!real) {
        return std::unexpected(real.error());
    }
    struct stat old {};
    const bool exists = ::stat(real->c_str(), &old) == 0;
    if (exists && !S_ISREG(old.st_mode)) {
        return std::unexpected(not_regular(path, old.st_mode));
    }
    if (exists) {
        if (auto ok = require_writable(path, *real, old); !ok) {
            return ok;
        }
    }
    auto temporary = Temporary::create(*real);
    if (!temporary) {
        return std::unexpected(temporary.error());
    }
    if (!write_all(temporary->fd(), text)) {
        return std::unexpected(os_error(errno, temporary->name(), "write"));
    }
    if (exists) {
        keep_owner(temporary->fd(), old);
    }
    const mode_t mode = exists ? (old.st_mode & 07777) : 0644;
    if (::fchmod(temporary->fd(), mode) != 0) {
        return std::unexpected(os_error(errno, temporary->name(), "set the mode of"));
    }
    if (::fsync(temporary->fd()) != 0) {
        return std::unexpected(os_error(errno, temporary->name(), "fsync"));
    }
    if (auto ok = temporary->commit(*real); !ok) {
        return ok;
    }
    // The rename is durable only once the folder itself is synced.
    return sync_folder(real->parent_path());
}

std::size_t remove_stale_temporaries(const fs::path& path) {
    auto real = resolve_file_path(path);
    if (!real) {
        return 0;
    }
    const std::string prefix = temporary_prefix(*real);
    std::size_t removed = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(real->parent_path(), ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() == prefix.size() + 6 && name.starts_with(prefix) &&
            fs::remove(entry.path(), ec)) {
            ++removed;
        }
    }
    return removed;
}

}  // namespace harmony::network
