//! Tables with a service outside 25000-25999, a port and a block: must not compile, naming
//! the port and the service.
#[allow(dead_code)] // a private module: not every generated item is used
mod ports {
    include!("harmony_ports.rs");
}

use ports::{check_range, PortEntry};

const _: () = check_range(
    &[
        PortEntry::new("ceph-rgw", 25080, 25080, PortEntry::TCP),
        PortEntry::new("stray", 26019, 26019, PortEntry::UDP),
    ],
    25000,
    25999,
);
const _: () = check_range(
    &[PortEntry::new("edge", 25990, 26009, PortEntry::TCP).in_cluster("prod-a")],
    25000,
    25999,
);
