// Fuzzes the NETLINK_SOCK_DIAG reply parser on arbitrary bytes (the first byte picks TCP or
// UDP). Invariants: no crash/UB/leak; every socket found has a port, an address and the
// protocol asked for; a kernel error reported is a plausible errno.
#include <cstddef>
#include <cstdint>

#include "host/sock_diag.hpp"

using namespace harmony::network;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const Protocols protocol = (data[0] & 1) != 0 ? Protocols::udp : Protocols::tcp;
    std::vector<Listener> out;
    auto batch = harmony::host::parse_dump_batch({data + 1, size - 1}, protocol, 1, out);
    for (const auto& l : out) {
        if (l.port == 0 || l.address.empty() || l.protocol != protocol) {
            __builtin_trap();
        }
    }
    if (batch && (batch->error < 0 || batch->error > 4095)) {
        __builtin_trap();
    }
    return 0;
}
