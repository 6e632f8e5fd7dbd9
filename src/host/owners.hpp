// Who owns a socket: the process holding a file descriptor on its inode (/proc/*/fd).
#pragma once

#include <cstddef>
#include <vector>

#include <harmony/network/host_scan.hpp>

namespace harmony::host {

using namespace harmony::network;

struct OwnerWalk {
    std::size_t unresolved = 0;  // listeners still without an owner
    bool denied = false;         // some /proc/PID/fd was unreadable (another user's process)
};

// Fills pid and process of `listeners` from /proc/*/fd. Processes in the calling thread's
// network namespace are read first, the others only if sockets are still unresolved, and
// the walk stops as soon as every socket has an owner. With `all_holders`, every process is
// read and further holders of a socket go to its `sharers`.
OwnerWalk find_owners(std::vector<Listener>& listeners, bool all_holders);

}  // namespace harmony::host
