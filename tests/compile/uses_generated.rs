//! Uses the file `harmony-ports export --format rust [--topology FILE]` generated, from a
//! #![no_std] crate that requires documentation: it must compile, and its constants must be
//! the registry's ports.
#![no_std]
#![deny(missing_docs)]

/// The generated file.
pub mod ports {
    include!("harmony_ports.rs");
}

use ports::{find, PortEntry, Registry};

const _: () = assert!(ports::CEPH_RGW == 25080);
const _: () = assert!(ports::INTERNAL_HTTPS == 25443);
const _: () = assert!(ports::NTFY == 25253);
const _: () = assert!(Registry::RANGE_FIRST == 25000 && Registry::RANGE_LAST == 25999);
const _: () = assert!(Registry::PORTS.len() == 4);
const _: () = assert!(Registry::PORTS[0].first == 25053);
const _: () = assert!(Registry::PORTS[0].protocols == PortEntry::UDP);
const _: () = assert!(find(Registry::PORTS, "ntfy").unwrap().last == 25253);
const _: () = assert!(find(Registry::PORTS, "nope").is_none());

/// A user's own table, checked by the generated file's checks: it must pass.
pub const MINE: &[PortEntry] = &[
    PortEntry::new("ceph-rgw", 25080, 25080, PortEntry::TCP),
    PortEntry::new("ceph-rgw", 25080, 25080, PortEntry::UDP), // the same run, another protocol
    PortEntry::new("media", 25200, 25263, PortEntry::TCP | PortEntry::UDP), // across 64-bit words
    PortEntry::new("ntfy", 25264, 25264, PortEntry::TCP).in_cluster("a"),
    PortEntry::new("ntfy", 25264, 25264, PortEntry::TCP).in_cluster("b"), // mirrored
];
const _: () = ports::check_ports(MINE);
const _: () = ports::check_range(MINE, 25000, 25999);
