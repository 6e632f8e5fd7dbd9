//! Harmony's network resources: the ADR-014 port allocator and the shared port registry.
//!
//! - [`PortAllocator`]: an in-memory allocator over one range (ADR-014 §4), for code that
//!   places ports itself.
//! - [`Registry`]: the registry file the `harmony-ports` CLI uses, with its discovery, trust
//!   and lock; every change is one durable transaction.
//!
//! Both place a name by the same deterministic rule and return the same [`PortRange`] the CLI
//! prints; failures are an [`Error`] with the CLI's [`ErrorCode`], exit code and message.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use harmony_ports as harmony;
//! let orchestrator_ports = harmony::network::PortAllocator::new(25_000, 25_999);
//! let rados_gateway_port = orchestrator_ports.allocate("ceph-rgw")?;
//! println!("ceph-rgw -> {rados_gateway_port}");
//! # Ok(())
//! # }
//! ```

mod allocator;
mod error;
mod ops;
mod options;
mod raw;
mod registry;
mod types;

use std::sync::OnceLock;

pub use allocator::PortAllocator;
pub use error::{Error, ErrorCode, Hint, HintKind};
pub use options::{AllocateOptions, CheckOptions, ExportOptions};
pub use registry::Registry;
pub use types::{Allocation, Finding, PortRange, Protocols, Severity};

use crate::ffi;

/// The version of the linked C library, e.g. `"0.1.0"`.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        // SAFETY: hp_version has no handle (thread-safe) and returns NULL or a NUL-terminated
        // string, copied here at once.
        unsafe { raw::string(ffi::hp_version()) }
    })
}

/// The export format names the linked library knows, in the CLI's `--help` order
/// (`"json"`, `"nftables"`, `"cpp"`, ...): the `format` argument of
/// [`PortAllocator::export`] and [`Registry::export`].
pub fn export_formats() -> &'static [String] {
    static FORMATS: OnceLock<Vec<String>> = OnceLock::new();
    FORMATS.get_or_init(|| {
        // SAFETY: hp_export_formats has no handle (thread-safe) and returns NULL or a
        // NUL-terminated string, copied here at once.
        let names = unsafe { raw::string(ffi::hp_export_formats()) };
        names.split_ascii_whitespace().map(str::to_owned).collect()
    })
}
