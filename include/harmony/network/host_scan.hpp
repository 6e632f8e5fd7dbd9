// What is listening on this host: TCP listeners and bound UDP sockets, with their owners.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/port_range.hpp>
#include <harmony/network/protocol.hpp>

namespace harmony::network {

// A process holding a socket.
struct Owner {
    int pid = 0;
    std::string process;  // /proc/PID/comm
    friend bool operator==(const Owner&, const Owner&) = default;
};

// One socket holding a local port: a TCP socket in LISTEN, or a UDP socket bound to a port
// (connected or not).
struct Listener {
    Port port = 0;
    Protocols protocol = Protocols::tcp;  // tcp or udp, never both
    std::string address;                  // local address: "0.0.0.0", "::", "127.0.0.1", ...
    std::uint64_t inode = 0;              // socket inode; 0 when the kernel did not say
    std::uint32_t uid = 0;                // uid that created the socket
    int pid = 0;                          // owning process; 0 when unknown or not looked up
    std::string process;                  // its command name (/proc/PID/comm); empty: unknown
    std::vector<Owner> sharers;           // further holders (inherited fds), with OwnerSearch::all

    friend bool operator==(const Listener&, const Listener&) = default;
};

// Where socket lists come from: NETLINK_SOCK_DIAG (what `ss` uses) or /proc/net/{tcp,udp}[6].
enum class ScanSource { automatic, netlink, procfs };

// "auto", "netlink" or "proc".
std::string_view to_string(ScanSource source) noexcept;

// Parses "auto", "netlink" or "proc". Error: invalid_argument.
Expected<ScanSource> parse_scan_source(std::string_view text);

// How far to look for owners in /proc/*/fd.
enum class OwnerSearch {
    none,   // do not look
    first,  // one holder per socket; the walk stops once every socket has one
    all,    // every holder (a socket inherited by children has several): a full walk
};

struct ScanOptions {
    // Only these local ports (filtered in the kernel); all when unset.
    std::optional<PortRange> ports;
    OwnerSearch owners = OwnerSearch::first;
    ScanSource source = ScanSource::automatic;  // automatic: netlink, else /proc/net
    // false: TCP listeners and bound UDP sockets. true: every socket that holds its local port
    // against bind(): also TCP sockets bound but not listening, or connected (not TIME_WAIT).
    bool any_state = false;
};

struct ScanResult {
    std::vector<Listener> listeners;          // sorted by port, protocol, address, pid
    ScanSource source = ScanSource::netlink;  // what was used (procfs if any dump fell back)
    std::size_t owners_unknown = 0;           // listeners whose owner was looked for but not found
    // ... of which created by another uid while some /proc/PID/fd was unreadable to us: their
    // owners are most likely other users' processes that only root may read.
    std::size_t owners_other_users = 0;
};

// The seam between "what is listening" and what is done with it: the functions that scan
// (view_host, probe_host in host_check.hpp) take one; unit tests pass fakes, the CLI and the
// integration tests SystemHostScanner.
class HostScanner {
  public:
    virtual ~HostScanner() = default;
    // Lists the sockets of the calling thread's network namespace. Errors: permission_denied
    // or io_error when neither netlink nor /proc/net can be read.
    virtual Expected<ScanResult> scan(const ScanOptions& options) const = 0;
};

// The real host: netlink sock_diag dumps (kernel-filtered by state and port range), falling
// back per family and protocol to /proc/net when netlink is refused; owners from /proc/*/fd,
// read only until every listed socket is found.
class SystemHostScanner final : public HostScanner {
  public:
    Expected<ScanResult> scan(const ScanOptions& options) const override;
};

// SystemHostScanner{}.scan(options).
Expected<ScanResult> scan_host(const ScanOptions& options);

// The calling thread inside a named network namespace (/run/netns/NAME, as `ip netns add`
// makes) until this object is destroyed, when it returns to the namespace it came from.
class NetworkNamespace {
  public:
    // Enters /run/netns/NAME. Errors: invalid_argument (bad name), not_found (no such
    // namespace), permission_denied (needs CAP_SYS_ADMIN), io_error.
    static Expected<NetworkNamespace> enter(std::string_view name);

    NetworkNamespace(NetworkNamespace&& other) noexcept;
    NetworkNamespace& operator=(NetworkNamespace&&) = delete;
    NetworkNamespace(const NetworkNamespace&) = delete;
    NetworkNamespace& operator=(const NetworkNamespace&) = delete;
    ~NetworkNamespace();

  private:
    explicit NetworkNamespace(int previous) : m_previous(previous) {}
    int m_previous = -1;  // fd of the namespace to return to
};

}  // namespace harmony::network
