#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>
#include <utility>

#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <harmony/network/host_scan.hpp>
#include <harmony/network/registry_file.hpp>

#include "host/owners.hpp"
#include "host/proc_net.hpp"
#include "host/sock_diag.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

struct Table {
    int family;
    Protocols protocol;
    const char* proc_name;  // under /proc/thread-self/net/
};

constexpr Table k_tables[] = {
    {AF_INET, Protocols::tcp, "tcp"},
    {AF_INET6, Protocols::tcp, "tcp6"},
    {AF_INET, Protocols::udp, "udp"},
    {AF_INET6, Protocols::udp, "udp6"},
};

// One /proc/net table of the calling thread's namespace. A missing table (no IPv6) is empty.
Expected<void> read_proc_table(const Table& table, const ScanOptions& options,
                               std::vector<Listener>& out) {
    const std::string path = fmt::format("/proc/thread-self/net/{}", table.proc_name);
    auto text = read_file(path);
    if (!text) {
        if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
            return {};
        }
        return std::unexpected(text.error());
    }
    auto rows = host::parse_proc_net(*text, path, table.family, table.protocol, options.ports,
                                     options.any_state);
    if (!rows) {
        return std::unexpected(rows.error());
    }
    out.insert(out.end(), std::make_move_iterator(rows->begin()),
               std::make_move_iterator(rows->end()));
    return {};
}

Error netlink_error(int err, const Table& table) {
    return Error{err == EPERM || err == EACCES ? ErrorCode::permission_denied : ErrorCode::io_error,
                 fmt::format("netlink sock_diag dump of {} sockets refused: {}", table.proc_name,
                             std::strerror(err))};
}

}  // namespace

std::string_view to_string(ScanSource source) noexcept {
    switch (source) {
        case ScanSource::automatic:
            return "auto";
        case ScanSource::netlink:
            return "netlink";
        case ScanSource::procfs:
            return "proc";
    }
    return "auto";
}

Expected<ScanSource> parse_scan_source(std::string_view text) {
    for (auto s : {ScanSource::automatic, ScanSource::netlink, ScanSource::procfs}) {
        if (text == to_string(s)) {
            return s;
        }
    }
    return fail(ErrorCode::invalid_argument,
                fmt::format("unknown socket source '{}': expected auto, netlink or proc", text));
}

Expected<ScanResult> SystemHostScanner::scan(const ScanOptions& options) const {
    ScanResult result;
    result.source = options.source == ScanSource::procfs ? ScanSource::procfs : ScanSource::netlink;
    int fd = -1;
    if (options.source != ScanSource::procfs) {
        fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0 && options.source == ScanSource::netlink) {
            return std::unexpected(netlink_error(errno, k_tables[0]));
        }
    }
    std::uint32_t sequence = 1;
    for (const auto& table : k_tables) {
        if (fd >= 0) {
            host::DumpRequest request{table.family, table.protocol, options.ports, sequence++,
                                      options.any_state};
            const std::size_t before = result.listeners.size();
            auto batch = host::run_dump(fd, request, result.listeners);
            if (!batch) {
                ::close(fd);
                return std::unexpected(batch.error());
            }
            if (batch->error == 0) {
                continue;
            }
            // Refused (no udp_diag module, a seccomp or LSM policy...): this table from /proc.
            result.listeners.resize(before);
            if (options.source == ScanSource::netlink) {
                ::close(fd);
                return std::unexpected(netlink_error(batch->error, table));
            }
        }
        result.source = ScanSource::procfs;
        if (auto ok = read_proc_table(table, options, result.listeners); !ok) {
            if (fd >= 0) {
                ::close(fd);
            }
            return std::unexpected(ok.error());
        }
    }
    if (fd >= 0) {
        ::close(fd);
    }
    if (options.owners != OwnerSearch::none) {
        auto walk = host::find_owners(result.listeners, options.owners == OwnerSearch::all);
        result.owners_unknown = walk.unresolved;
        if (walk.denied) {
            const uid_t me = ::geteuid();
            for (const auto& l : result.listeners) {
                result.owners_other_users += l.pid == 0 && l.uid != me ? 1 : 0;
            }
        }
    }
    std::sort(result.listeners.begin(), result.listeners.end(),
              [](const Listener& a, const Listener& b) {
                  return std::tie(a.port, a.protocol, a.address, a.pid, a.inode) <
                         std::tie(b.port, b.protocol, b.address, b.pid, b.inode);
              });
    return result;
}

Expected<ScanResult> scan_host(const ScanOptions& options) {
    return SystemHostScanner{}.scan(options);
}

Expected<NetworkNamespace> NetworkNamespace::enter(std::string_view name) {
    const std::string shown = util::printable_text(name);
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos ||
        name.find('\0') != std::string_view::npos || name.size() > 255) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid network namespace name '{}': expected a name from "
                                "`ip netns list`",
                                shown));
    }
    auto needs_root = [&] {
        return fail(
            ErrorCode::permission_denied,
            fmt::format("cannot enter network namespace '{}': needs root (CAP_SYS_ADMIN)", shown));
    };
    const std::string path = fmt::format("/run/netns/{}", name);
    int target = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (target < 0) {
        int err = errno;
        if (err == ENOENT) {
            return fail(ErrorCode::not_found,
                        fmt::format("no network namespace '{}' (/run/netns/{} does not exist; see "
                                    "`ip netns list`)",
                                    shown, shown));
        }
        if (err == EACCES || err == EPERM) {
            return needs_root();
        }
        return fail(ErrorCode::io_error,
                    fmt::format("/run/netns/{}: {}", shown, std::strerror(err)));
    }
    int previous = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (previous < 0) {
        int err = errno;
        ::close(target);
        return fail(ErrorCode::io_error,
                    fmt::format("/proc/thread-self/ns/net: {}", std::strerror(err)));
    }
    if (::setns(target, CLONE_NEWNET) != 0) {
        int err = errno;
        ::close(target);
        ::close(previous);
        if (err == EPERM) {
            return needs_root();
        }
        if (err == EINVAL) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("/run/netns/{} is not a network namespace", shown));
        }
        return fail(ErrorCode::io_error, fmt::format("cannot enter network namespace '{}': {}",
                                                     shown, std::strerror(err)));
    }
    ::close(target);
    return NetworkNamespace(previous);
}

NetworkNamespace::NetworkNamespace(NetworkNamespace&& other) noexcept
    : m_previous(std::exchange(other.m_previous, -1)) {}

NetworkNamespace::~NetworkNamespace() {
    if (m_previous >= 0) {
        // Best effort: a destructor cannot report, and returning can only fail if the
        // capability that let us enter was dropped meanwhile.
        (void)::setns(m_previous, CLONE_NEWNET);
        ::close(m_previous);
    }
}

}  // namespace harmony::network
