#include "host/owners.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <unordered_map>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace harmony::host {
namespace {

// Closes a file descriptor when it goes out of scope.
struct FdCloser {
    int fd = -1;
    ~FdCloser() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

bool is_pid(const char* name) {
    if (*name == '\0') {
        return false;
    }
    for (const char* p = name; *p != '\0'; ++p) {
        if (*p < '0' || *p > '9') {
            return false;
        }
    }
    return true;
}

// The command name of `pid` (/proc/PID/comm without its newline), or "" if it is gone.
std::string read_comm(int proc, const std::string& pid) {
    int fd = ::openat(proc, (pid + "/comm").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return {};
    }
    FdCloser closer{fd};
    char buf[64];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) {
        return {};
    }
    std::string comm(buf, static_cast<std::size_t>(n));
    while (!comm.empty() && (comm.back() == '\n' || comm.back() == '\0')) {
        comm.pop_back();
    }
    return comm;
}

class Walk {
  public:
    Walk(std::vector<Listener>& listeners, int proc, bool all_holders)
        : m_listeners(listeners), m_proc(proc), m_all(all_holders) {
        for (std::size_t i = 0; i < listeners.size(); ++i) {
            if (listeners[i].inode != 0 && listeners[i].pid == 0) {
                m_wanted[listeners[i].inode].push_back(i);
                ++m_unresolved;
            }
        }
    }

    bool finished() const { return m_wanted.empty() || (!m_all && m_unresolved == 0); }
    bool denied() const { return m_denied; }

    // Reads /proc/PID/fd, giving every wanted socket found there its owner.
    void visit(const std::string& pid) {
        int dfd = ::openat(m_proc, (pid + "/fd").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
            m_denied = m_denied || errno == EACCES || errno == EPERM;
            return;  // ENOENT: the process ended meanwhile
        }
        DIR* dir = ::fdopendir(dfd);
        if (dir == nullptr) {
            ::close(dfd);
            return;
        }
        std::string comm;
        constexpr std::string_view k_prefix = "socket:[";
        char link[64];
        while (const dirent* entry = ::readdir(dir)) {
            if (entry->d_name[0] == '.') {
                continue;
            }
            ssize_t n = ::readlinkat(dfd, entry->d_name, link, sizeof link);
            if (n <= static_cast<ssize_t>(k_prefix.size()) + 1 ||
                std::memcmp(link, k_prefix.data(), k_prefix.size()) != 0) {
                continue;
            }
            std::uint64_t inode = 0;
            auto [end, ec] = std::from_chars(link + k_prefix.size(), link + n - 1, inode);
            if (ec != std::errc{}) {
                continue;
            }
            auto it = m_wanted.find(inode);
            if (it == m_wanted.end()) {
                continue;
            }
            if (comm.empty()) {
                comm = read_comm(m_proc, pid);
            }
            const int holder = std::stoi(pid);
            for (std::size_t i : it->second) {
                Listener& l = m_listeners[i];
                if (l.pid == 0) {
                    l.pid = holder;
                    l.process = comm;
                    --m_unresolved;
                } else if (l.pid != holder &&
                           std::none_of(l.sharers.begin(), l.sharers.end(),
                                        [&](const Owner& o) { return o.pid == holder; })) {
                    l.sharers.push_back({holder, comm});
                }
            }
            if (!m_all) {
                m_wanted.erase(it);
                if (m_wanted.empty()) {
                    break;
                }
            }
        }
        ::closedir(dir);
    }

  private:
    std::vector<Listener>& m_listeners;
    int m_proc;
    bool m_all;
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> m_wanted;
    std::size_t m_unresolved = 0;  // wanted listeners without an owner yet
    bool m_denied = false;
};

}  // namespace

OwnerWalk find_owners(std::vector<Listener>& listeners, bool all_holders) {
    OwnerWalk result;
    int proc = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0) {
        for (const auto& l : listeners) {
            result.unresolved += l.pid == 0 ? 1 : 0;
        }
        return result;
    }
    FdCloser closer{proc};
    Walk walk(listeners, proc, all_holders);
    if (!walk.finished()) {
        struct stat own {};
        const bool know_own = ::stat("/proc/thread-self/ns/net", &own) == 0;
        std::vector<std::string> elsewhere;  // processes in other network namespaces
        int list_fd = ::fcntl(proc, F_DUPFD_CLOEXEC, 0);
        DIR* dir = list_fd >= 0 ? ::fdopendir(list_fd) : nullptr;
        if (dir == nullptr && list_fd >= 0) {
            ::close(list_fd);
        }
        while (dir != nullptr && !walk.finished()) {
            const dirent* entry = ::readdir(dir);
            if (entry == nullptr) {
                break;
            }
            if (!is_pid(entry->d_name)) {
                continue;
            }
            std::string pid = entry->d_name;
            // A socket almost always lives in its holder's namespace: look there first.
            struct stat ns {};
            if (know_own && ::fstatat(proc, (pid + "/ns/net").c_str(), &ns, 0) == 0 &&
                (ns.st_ino != own.st_ino || ns.st_dev != own.st_dev)) {
                elsewhere.push_back(std::move(pid));
                continue;
            }
            walk.visit(pid);
        }
        if (dir != nullptr) {
            ::closedir(dir);
        }
        for (const auto& pid : elsewhere) {
            if (walk.finished()) {
                break;
            }
            walk.visit(pid);
        }
    }
    result.denied = walk.denied();
    for (const auto& l : listeners) {
        result.unresolved += l.pid == 0 ? 1 : 0;
    }
    return result;
}

}  // namespace harmony::host
