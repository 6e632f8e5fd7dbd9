// A table with a service outside 25000-25999: must not compile, naming the service.
#include <harmony/network/port_table.hpp>

namespace {
constexpr std::array<harmony::network::PortEntry, 2> k_table{{
    {"ceph-rgw", 25080, 25080, harmony::network::k_table_tcp},
    {"stray", 26010, 26019, harmony::network::k_table_udp},
}};
static_assert(harmony::network::every_port_inside_the_range<
              harmony::network::find_port_outside(k_table, 25000, 25999)>::value);
}  // namespace

int main() {}
