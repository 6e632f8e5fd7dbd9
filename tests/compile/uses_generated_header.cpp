// Uses the header `harmony-ports export --format cpp [--topology FILE]` generated: it must
// compile, and its constants must be the registry's ports.
#include "harmony_ports_table.hpp"

static_assert(harmony_ports::k_ceph_rgw == 25080);
static_assert(harmony_ports::k_internal_https == 25443);
static_assert(harmony_ports::k_ntfy == 25253);
static_assert(harmony_ports::k_range_first == 25000 && harmony_ports::k_range_last == 25999);
static_assert(harmony_ports::k_ports.size() == 4);

int main() {
    return harmony_ports::k_ports[0].first == 25053 ? 0 : 1;
}
