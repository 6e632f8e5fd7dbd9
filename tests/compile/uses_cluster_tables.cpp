// The per-cluster tables of a topology (tests/data/topology/good.toml) compile and carry each
// cluster's services and local ports.
#include "harmony_ports_table.hpp"

namespace clusters = harmony_ports::clusters;

static_assert(clusters::in_prod_a::k_ntfy == 25253);
static_assert(clusters::in_prod_a::k_legacy_proxy == 8081);
static_assert(clusters::in_metal_1::k_syslog == 5514);
static_assert(clusters::in_edge_k3d::k_ports.size() == 2);
static_assert(clusters::k_fleet.size() == 10);

int main() {}
