// A hand-written table where two services share 25080/tcp: must not compile, and the error
// must name the port and both services.
#include <harmony/network/port_table.hpp>

namespace {
constexpr std::array<harmony::network::PortEntry, 3> k_table{{
    {"ceph-rgw", 25080, 25080, harmony::network::k_table_tcp},
    {"internal-https", 25443, 25443, harmony::network::k_table_tcp},
    {"ntfy", 25080, 25080, harmony::network::k_table_tcp | harmony::network::k_table_udp},
}};
static_assert(harmony::network::no_port_shared_by_two_services<
              harmony::network::find_port_clash(k_table)>::value);
}  // namespace

int main() {}
