//! ADR-014 §4, as written: an orchestrator's port range and the RADOS gateway's port in it.
//!
//!     cargo run --offline --example adr014     # prints "ceph-rgw -> 25xxx"

use harmony_ports as harmony;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let orchestrator_ports = harmony::network::PortAllocator::new(25_000, 25_999);
    let rados_gateway_port = orchestrator_ports.allocate("ceph-rgw")?;
    println!("ceph-rgw -> {rados_gateway_port}");
    Ok(())
}
