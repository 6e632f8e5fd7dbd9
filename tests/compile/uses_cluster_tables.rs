//! The per-cluster tables of a topology (tests/data/topology/good.toml) compile and carry each
//! cluster's services and local ports.
#![no_std]

#[allow(dead_code)] // a private module: not every generated item is used
#[path = "harmony_ports.rs"] // as a module file, where uses_generated.rs include!s it
mod ports;

use ports::clusters::{in_edge_k3d, in_metal_1, in_prod_a, Fleet};

const _: () = assert!(in_prod_a::NTFY == 25253);
const _: () = assert!(in_prod_a::LEGACY_PROXY == 8081);
const _: () = assert!(in_metal_1::SYSLOG == 5514);
const _: () = assert!(in_metal_1::Cluster::SERVICES.len() == 3);
const _: () = assert!(in_edge_k3d::Cluster::PORTS.len() == 2);
const _: () = assert!(Fleet::PORTS.len() == 10);
const _: () = assert!(Fleet::PORTS[0].cluster.len() == "prod-a".len());
const _: () =
    assert!(ports::find(Fleet::PORTS, "syslog").unwrap().protocols == ports::PortEntry::UDP);

/// The fleet's first row, for a reader of this crate.
pub const FIRST: ports::PortEntry = Fleet::PORTS[0];
