// The registry lock: an exclusive flock on the registry's real folder, waited for with a word
// and not forever.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include <harmony/network/error.hpp>

namespace harmony::network {

// Who holds a lock, as /proc/locks and /proc/PID/comm tell it; pid 0 when unknown.
struct LockHolder {
    int pid = 0;
    std::string command;  // the holder's comm, as printable text; empty when unknown
};

// "pid 4242 (harmony-ports)", "pid 4242", or "another process" when the pid is unknown.
std::string to_string(const LockHolder& holder);

inline constexpr std::chrono::milliseconds k_default_lock_timeout{30'000};
inline constexpr unsigned k_max_lock_timeout_seconds = 86'400;

struct LockOptions {
    // How long to wait for a held lock before failing with lock_timeout; 0: try once.
    std::chrono::milliseconds timeout = k_default_lock_timeout;
    // After this long waiting, `on_wait` is called once (a caller tells its user why it waits).
    std::chrono::milliseconds notice_after{1'000};
    std::function<void(const std::filesystem::path& folder, const LockHolder& holder)> on_wait{};
};

// Reads a lock timeout in whole seconds, 0-86400, from text ("30"; decimal only, see
// parse_decimal). Error: invalid_argument naming `what` (the setting the text came from).
Expected<std::chrono::milliseconds> parse_lock_timeout(std::string_view text,
                                                       std::string_view what);

// Reads a store timeout in whole seconds, 1-86400, from text ("5"): unlike a lock, a store
// must be given time to answer, so 0 (which no request could meet), signs and empty text are
// refused. Error: invalid_argument naming `what`.
Expected<std::chrono::milliseconds> parse_store_timeout(std::string_view text,
                                                        std::string_view what);

// The holder of the FLOCK write lock on device `major:minor`, inode `inode`, in the text of
// /proc/locks; pid 0 when no line matches. Never fails: malformed lines are skipped.
int find_flock_holder(std::string_view proc_locks, unsigned major, unsigned minor,
                      unsigned long inode);

// Holds an exclusive advisory lock (flock) on the registry's folder; released on destruction.
class RegistryLock {
  public:
    // Takes the lock on `folder`, waiting at most options.timeout. Errors: lock_timeout naming
    // the holder, permission_denied / io_error / file_not_found for the folder.
    static Expected<RegistryLock> acquire(const std::filesystem::path& folder,
                                          const LockOptions& options = {});
    RegistryLock(RegistryLock&& other) noexcept;
    RegistryLock& operator=(RegistryLock&& other) noexcept;
    RegistryLock(const RegistryLock&) = delete;
    RegistryLock& operator=(const RegistryLock&) = delete;
    ~RegistryLock();

  private:
    explicit RegistryLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

}  // namespace harmony::network
