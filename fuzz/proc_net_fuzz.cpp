// Fuzzes the /proc/net/{tcp,tcp6,udp,udp6} parser on arbitrary text (the first byte picks the
// table and whether a port filter applies). Invariants: no crash/UB/leak; errors carry a
// "NAME:LINE:COL:" position; rows have a port inside the filter and an address.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <sys/socket.h>

#include "host/proc_net.hpp"

using namespace harmony::network;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const int family = (data[0] & 1) != 0 ? AF_INET6 : AF_INET;
    const Protocols protocol = (data[0] & 2) != 0 ? Protocols::udp : Protocols::tcp;
    std::optional<PortRange> ports;
    if ((data[0] & 4) != 0) {
        ports = PortRange{25000, 25999};
    }
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto rows = harmony::host::parse_proc_net(text, "t", family, protocol, ports);
    if (!rows) {
        if (rows.error().message.rfind("t:", 0) != 0) {
            __builtin_trap();
        }
        return 0;
    }
    for (const auto& l : *rows) {
        if (l.port == 0 || l.address.empty() || (ports && !ports->contains(l.port))) {
            __builtin_trap();
        }
    }
    return 0;
}
