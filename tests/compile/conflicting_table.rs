//! Hand-made tables checked by the generated file's check_ports: two services share 25080/tcp,
//! two services in different clusters share 25053/udp, a service sits on two ports in one
//! cluster, and a row runs backwards. None may compile; each error names the clash.
#[allow(dead_code)] // a private module: not every generated item is used
mod ports {
    include!("harmony_ports.rs");
}

use ports::{check_ports, PortEntry};

const _: () = check_ports(&[
    PortEntry::new("ceph-rgw", 25080, 25080, PortEntry::TCP),
    PortEntry::new("internal-https", 25443, 25443, PortEntry::TCP),
    PortEntry::new("ntfy", 25080, 25080, PortEntry::TCP | PortEntry::UDP),
]);
const _: () = check_ports(&[
    PortEntry::new("dns", 25050, 25059, PortEntry::UDP).in_cluster("prod-a"),
    PortEntry::new("resolver", 25053, 25053, PortEntry::TCP | PortEntry::UDP).in_cluster("prod-b"),
]);
const _: () = check_ports(&[
    PortEntry::new("ntfy", 25253, 25253, PortEntry::TCP).in_cluster("prod-b"),
    PortEntry::new("ntfy", 25099, 25099, PortEntry::TCP).in_cluster("prod-b"),
]);
const _: () = check_ports(&[PortEntry::new("stray", 26019, 26010, PortEntry::TCP)]);
