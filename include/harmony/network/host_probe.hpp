// Is a port in use on this host right now? (allocate --probe)
#pragma once

#include <harmony/network/port_range.hpp>
#include <harmony/network/protocol.hpp>

namespace harmony::network {

// True when binding `port` fails with EADDRINUSE for any of `protocols` on the IPv4 or IPv6
// wildcard address of the current network namespace, i.e. something already holds it.
// The test socket is closed at once; other bind errors (e.g. no IPv6) count as not in use.
bool port_in_use(Port port, Protocols protocols);

}  // namespace harmony::network
