// The ADR-014 example, in C++: an allocator over the reserved block, one named allocation.
#include <cstdio>

#include <harmony/network/allocator.hpp>

int main() {
    harmony::network::PortAllocator orchestrator_ports{25000, 25999};
    auto rados_gateway_port = orchestrator_ports.allocate("ceph-rgw");
    if (!rados_gateway_port) {
        std::fprintf(stderr, "%s\n", rados_gateway_port.error().message.c_str());
        return 1;
    }
    // Same name, same port: on every cluster, whichever asks first.
    auto again = orchestrator_ports.allocate("ceph-rgw");
    std::printf("ceph-rgw -> %u (again: %u)\n", rados_gateway_port->first, again->first);
    return again->first == rados_gateway_port->first ? 0 : 1;
}
