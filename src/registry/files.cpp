// The registry on disk: discovery, reading, atomic writing, the folder lock.
#include <harmony/network/registry_file.hpp>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "registry/decode.hpp"
#include "registry/doc_node.hpp"

namespace harmony::network {
namespace fs = std::filesystem;

namespace {

// OS errors become Error here and nowhere else.
Error os_error(int err, const fs::path& path, std::string_view doing) {
    ErrorCode code = (err == EACCES || err == EPERM || err == EROFS)
                         ? ErrorCode::permission_denied
                         : (err == ENOENT ? ErrorCode::file_not_found : ErrorCode::io_error);
    return Error{code, fmt::format("{}: cannot {}: {}", path.string(), doing, std::strerror(err))};
}

// Closes a file descriptor on every path out.
class Fd {
  public:
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    [[nodiscard]] int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

  private:
    int m_fd;
};

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

}  // namespace

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
            if (fs::is_regular_file(candidate, ec)) {
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

std::vector<fs::path> registry_files_in(const fs::path& folder) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto name : {k_registry_file, k_registry_yaml_file, k_registry_yml_file}) {
        if (fs::is_regular_file(folder / name, ec)) {
            out.push_back(folder / name);
        }
    }
    return out;
}

RegistryPaths paths_for(const fs::path& registry) {
    return RegistryPaths{registry, registry.parent_path() / k_config_file};
}

Expected<std::string> read_file(const fs::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        return std::unexpected(os_error(errno, path, "read"));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
        return fail(ErrorCode::io_error, fmt::format("{}: is a folder, not a file", path.string()));
    }
    std::string text;
    char buffer[65536];
    while (true) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return std::unexpected(os_error(errno, path, "read"));
        }
        if (n == 0) {
            break;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

Expected<void> write_file_atomically(const fs::path& path, std::string_view text) {
    fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    mode_t mode = 0644;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        mode = st.st_mode & 07777;
        // Root may write anything, so honour the file's own mode: no write bit, no write.
        if ((mode & 0222) == 0 || ::access(path.c_str(), W_OK) != 0) {
            return fail(ErrorCode::permission_denied,
                        fmt::format("{}: the file is read-only; not changed", path.string()));
        }
    }
    std::string tmp_name = (dir / (temporary_prefix(path) + "XXXXXX")).string();
    Fd fd(::mkstemp(tmp_name.data()));
    if (fd.get() < 0) {
        return std::unexpected(os_error(errno, dir, "create a temporary file in"));
    }
    auto cleanup_fail = [&](int err, std::string_view doing) -> Expected<void> {
        ::unlink(tmp_name.c_str());
        return std::unexpected(os_error(err, tmp_name, doing));
    };
    if (!write_all(fd.get(), text)) {
        return cleanup_fail(errno, "write");
    }
    if (::fchmod(fd.get(), mode) != 0) {
        return cleanup_fail(errno, "set the mode of");
    }
    if (::fsync(fd.get()) != 0) {
        return cleanup_fail(errno, "fsync");
    }
    if (::close(fd.release()) != 0) {
        return cleanup_fail(errno, "close");
    }
    if (::rename(tmp_name.c_str(), path.c_str()) != 0) {
        return cleanup_fail(errno, "rename into place");
    }
    // The rename is durable only once the folder itself is synced.
    Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) {
        return std::unexpected(os_error(errno, dir, "fsync the folder"));
    }
    return {};
}

std::size_t remove_stale_temporaries(const fs::path& path) {
    fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const std::string prefix = temporary_prefix(path);
    std::size_t removed = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() == prefix.size() + 6 && name.starts_with(prefix) &&
            fs::remove(entry.path(), ec)) {
            ++removed;
        }
    }
    return removed;
}

Expected<RegistryLock> RegistryLock::acquire(const fs::path& folder) {
    fs::path dir = folder.empty() ? fs::path(".") : folder;
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return std::unexpected(os_error(errno, dir, "open the registry folder"));
    }
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int err = errno;
            ::close(fd);
            return std::unexpected(os_error(err, dir, "lock the registry folder"));
        }
    }
    return RegistryLock(fd);
}

RegistryLock::RegistryLock(RegistryLock&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

RegistryLock& RegistryLock::operator=(RegistryLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

RegistryLock::~RegistryLock() {
    if (m_fd >= 0) {
        ::close(m_fd);  // closing the last descriptor drops the flock
    }
}

Expected<LenientLoad> parse_registry_lenient(std::string_view text, RegistryFormat format,
                                             std::string_view file, PortRange range) {
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
        return fail(ErrorCode::invalid_registry, std::move(message));
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

Expected<LenientLoad> load_registry_lenient(const RegistryPaths& paths) {
    PortRange range = k_adr014_range;
    std::error_code ec;
    if (fs::exists(paths.config, ec)) {
        auto text = read_file(paths.config);
        if (!text) {
            return std::unexpected(text.error());
        }
        auto parsed = parse_harmony_config(*text, paths.config.string());
        if (!parsed) {
            return std::unexpected(parsed.error());
        }
        range = *parsed;
    }
    auto text = read_file(paths.registry);
    if (!text) {
        return std::unexpected(text.error());
    }
    return parse_registry_lenient(*text, format_for_path(paths.registry), paths.registry.string(),
                                  range);
}

Expected<Registry> load_registry(const RegistryPaths& paths) {
    return strict(load_registry_lenient(paths));
}

}  // namespace harmony::network
