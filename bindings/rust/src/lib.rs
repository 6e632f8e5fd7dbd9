//! Safe Rust bindings to **harmony-ports**, Harmony's port registry and allocator
//! (ADR-014, port allocation policy), through its C ABI (`include/harmony_ports.h`).
//!
//! ADR-014 §4 asks Harmony's topology and orchestration layers for a built-in port allocator;
//! with this crate its two lines compile unchanged:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use harmony_ports as harmony;
//!
//! let orchestrator_ports = harmony::network::PortAllocator::new(25_000, 25_999);
//! let rados_gateway_port = orchestrator_ports.allocate("ceph-rgw")?;
//! # assert_eq!(orchestrator_ports.allocate("ceph-rgw")?, rados_gateway_port);
//! # assert!((25_000..=25_999).contains(&rados_gateway_port.first()));
//! # Ok(())
//! # }
//! ```
//!
//! Everything lives in [`network`]:
//! - [`network::PortAllocator`]: the in-memory allocator over a range;
//! - [`network::Registry`]: the shared registry file, changed under the same lock as the
//!   `harmony-ports` CLI (a Rust process and CLI processes can allocate on one registry at
//!   once without losing entries);
//! - [`network::PortRange`], [`network::Allocation`], [`network::Finding`] for results, and
//!   [`network::Error`] with the CLI's [`network::ErrorCode`], exit code and message.
//!
//! # Thread-safety
//! `PortAllocator` and `Registry` are `Send + Sync` and every method takes `&self`: the C
//! library serializes the calls on one handle with its own mutex. Results are owned Rust
//! values.
//!
//! # Building
//! The build script builds the C/C++ library from this checkout with CMake (static archive,
//! linked with the system's yaml-cpp and libstdc++), or links an installed
//! `libharmony_ports.so` from the folder named by `HARMONY_PORTS_LIB_DIR`. See the crate's
//! README.

#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod ffi;
pub mod network;
