// The registry lock: flock on the real folder, polled so a held lock is waited for with a
// word and not forever.
#include <harmony/network/registry_lock.hpp>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fmt/format.h>

#include <harmony/network/file_io.hpp>
#include <harmony/network/number.hpp>

#include "registry/os_error.hpp"
#include "util/fd.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

using detail::os_error;
using detail::shown;

template <typename T>
bool parse_number(std::string_view text, T& out, int base = 10) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return ec == std::errc{} && end == text.data() + text.size();
}

// The next space-separated word of `rest`, removed from it.
std::string_view next_word(std::string_view& rest) {
    auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        rest = {};
        return {};
    }
    rest.remove_prefix(start);
    auto end = rest.find(' ');
    std::string_view word = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return word;
}

// True when "MAJ:MIN:INODE" (hex, hex, decimal) names the file.
bool same_file(std::string_view id, unsigned major, unsigned minor, unsigned long inode) {
    auto first = id.find(':');
    auto second = id.find(':', first == std::string_view::npos ? id.size() : first + 1);
    if (second == std::string_view::npos) {
        return false;
    }
    unsigned maj = 0, min = 0;
    unsigned long ino = 0;
    return parse_number(id.substr(0, first), maj, 16) &&
           parse_number(id.substr(first + 1, second - first - 1), min, 16) &&
           parse_number(id.substr(second + 1), ino) && maj == major && min == minor && ino == inode;
}

// "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INODE 0 EOF" → PID when it is the file's holder.
int holder_in_line(std::string_view line, unsigned major, unsigned minor, unsigned long inode) {
    next_word(line);  // "N:"
    std::string_view type = next_word(line);
    if (type == "->") {
        return 0;  // a waiter, not the holder
    }
    std::string_view mode = next_word(line);
    std::string_view access = next_word(line);
    std::string_view pid_text = next_word(line);
    std::string_view id = next_word(line);
    int pid = 0;
    if (type != "FLOCK" || mode != "ADVISORY" || access != "WRITE" ||
        !parse_number(pid_text, pid) || pid <= 0 || !same_file(id, major, minor, inode)) {
        return 0;
    }
    return pid;
}

LockHolder holder_of(int fd) {
    struct stat st {};
    LockHolder holder;
    if (::fstat(fd, &st) != 0) {
        return holder;
    }
    auto locks = read_file("/proc/locks");
    if (!locks) {
        return holder;
    }
    holder.pid = find_flock_holder(*locks, ::major(st.st_dev), ::minor(st.st_dev), st.st_ino);
    if (holder.pid > 0) {
        if (auto comm = read_file(fmt::format("/proc/{}/comm", holder.pid))) {
            std::string_view name = *comm;
            if (!name.empty() && name.back() == '\n') {
                name.remove_suffix(1);
            }
            holder.command = util::printable_text(name, 64);
        }
    }
    return holder;
}

// One non-blocking attempt: true when taken, false when held elsewhere, or an error.
Expected<bool> try_lock(int fd, const fs::path& dir) {
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            return false;
        }
        if (errno != EINTR) {
            return std::unexpected(os_error(errno, dir, "lock the registry folder"));
        }
    }
    return true;
}

}  // namespace

namespace {

// Whole seconds `min`-86400 from text, as a duration.
Expected<std::chrono::milliseconds> parse_seconds(std::string_view text, std::string_view what,
                                                  std::uint64_t min) {
    auto seconds = parse_decimal(text, what, min, k_max_lock_timeout_seconds);
    if (!seconds) {
        return std::unexpected(seconds.error());
    }
    return std::chrono::milliseconds(std::chrono::seconds(*seconds));
}

}  // namespace

Expected<std::chrono::milliseconds> parse_lock_timeout(std::string_view text,
                                                       std::string_view what) {
    return parse_seconds(text, what, 0);
}

Expected<std::chrono::milliseconds> parse_store_timeout(std::string_view text,
                                                        std::string_view what) {
    return parse_seconds(text, what, 1);
}

std::string to_string(const LockHolder& holder) {
    if (holder.pid <= 0) {
        return "another process";
    }
    return holder.command.empty() ? fmt::format("pid {}", holder.pid)
                                  : fmt::format("pid {} ({})", holder.pid, holder.command);
}

int find_flock_holder(std::string_view proc_locks, unsigned major, unsigned minor,
                      unsigned long inode) {
    while (!proc_locks.empty()) {
        auto nl = proc_locks.find('\n');
        std::string_view line = proc_locks.substr(0, nl);
        proc_locks.remove_prefix(nl == std::string_view::npos ? proc_locks.size() : nl + 1);
        if (int pid = holder_in_line(line, major, minor, inode); pid > 0) {
            return pid;
        }
    }
    return 0;
}

Expected<RegistryLock> RegistryLock::acquire(const fs::path& folder, const LockOptions& options) {
    fs::path dir = folder.empty() ? fs::path(".") : folder;
    util::UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) {
        return std::unexpected(os_error(errno, dir, "open the registry folder"));
    }
    const auto start = std::chrono::steady_clock::now();
    auto pause = 1ms;
    bool told = false;
    while (true) {
        auto taken = try_lock(fd.get(), dir);
        if (!taken) {
            return std::unexpected(taken.error());
        }
        if (*taken) {
            return RegistryLock(fd.release());
        }
        const auto waited = std::chrono::steady_clock::now() - start;
        if (waited >= options.timeout) {
            return fail(
                ErrorCode::lock_timeout,
                fmt::format(
                    "{}: the registry lock is still held by {} after {} s; "
                    "nothing changed",
                    shown(dir), to_string(holder_of(fd.get())),
                    std::chrono::duration_cast<std::chrono::seconds>(options.timeout).count()),
                Hint{HintKind::wait_longer, {}});
        }
        if (!told && waited >= options.notice_after && options.on_wait) {
            told = true;
            options.on_wait(dir, holder_of(fd.get()));
        }
        // Short pauses first: most holders finish within milliseconds.
        std::this_thread::sleep_for(
            std::min<std::chrono::nanoseconds>(pause, options.timeout - waited));
        pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
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

}  // namespace harmony::network
