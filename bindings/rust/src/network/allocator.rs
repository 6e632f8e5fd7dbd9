//! `PortAllocator`: the in-memory allocator over one range (ADR-014 §4).

use std::ptr::{self, NonNull};

use super::error::Error;
use super::ops;
use super::options::{AllocateOptions, CheckOptions, ExportOptions};
use super::raw;
use super::types::{Allocation, Finding, PortRange};
use crate::ffi;

/// An in-memory registry over one range of ports, with the deterministic, idempotent placement
/// rule of ADR-014 (the same as `harmony-ports allocate`). Nothing is written to disk: for the
/// shared registry file use [`Registry`](super::Registry).
///
/// Every method takes `&self`: one allocator can be shared between threads (it is `Send` and
/// `Sync`; the C library serializes the calls on one handle with a mutex).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use harmony_ports as harmony;
/// let orchestrator_ports = harmony::network::PortAllocator::new(25_000, 25_999);
/// let rados_gateway_port = orchestrator_ports.allocate("ceph-rgw")?;
/// assert!(orchestrator_ports.range().contains(rados_gateway_port.first()));
/// // Idempotent: the same name gets the same port again.
/// assert_eq!(orchestrator_ports.allocate("ceph-rgw")?, rados_gateway_port);
/// # Ok(())
/// # }
/// ```
pub struct PortAllocator {
    raw: NonNull<ffi::hp_allocator>,
    range: PortRange,
}

// SAFETY: harmony_ports.h: "hp_allocator and hp_registry handles may be shared between
// threads; each serializes its own calls (one mutex per handle)". The handle is owned by this
// value alone and freed once, in Drop, when no other reference exists.
unsafe impl Send for PortAllocator {}
// SAFETY: as for Send: every call through `&self` is serialized by the handle's own mutex, and
// the lists, findings and errors it returns are copied into owned Rust values before they are
// freed.
unsafe impl Sync for PortAllocator {}

impl PortAllocator {
    /// An empty registry over `first..=last` (swapped when `first > last`), with no pools and
    /// no allocations: ADR-014's `PortAllocator::new(25_000, 25_999)`.
    ///
    /// # Aborts
    /// The C library fails here only when it runs out of memory; then, as for any failed
    /// allocation in Rust, the process aborts (with the library's message on standard error).
    /// [`PortAllocator::try_new`] returns that failure instead.
    pub fn new(first: u16, last: u16) -> PortAllocator {
        match PortAllocator::try_new(first, last) {
            Ok(allocator) => allocator,
            Err(error) => {
                // Not eprintln!, which panics when standard error is closed.
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "harmony-ports: error: cannot create a PortAllocator: {error}"
                );
                std::process::abort()
            }
        }
    }

    /// [`PortAllocator::new`], returning the failure (out of memory) instead of aborting.
    pub fn try_new(first: u16, last: u16) -> Result<PortAllocator, Error> {
        let mut out: *mut ffi::hp_allocator = ptr::null_mut();
        raw::call(|error| {
            // SAFETY: `out` and `error` are valid out-parameters; no handle is involved.
            unsafe { ffi::hp_allocator_new(first, last, &mut out, error) }
        })?;
        let raw = NonNull::new(out).ok_or_else(|| Error::missing("allocator"))?;
        Ok(PortAllocator {
            raw,
            range: PortRange::new(first, last),
        })
    }

    fn handle(&self) -> *mut ffi::hp_allocator {
        self.raw.as_ptr()
    }

    #[cfg(test)]
    pub(crate) fn raw_handle(&self) -> *mut ffi::hp_allocator {
        self.handle()
    }

    /// The range it allocates from.
    pub fn range(&self) -> PortRange {
        self.range
    }

    /// Gives `name` its port by the deterministic rule (one TCP port of the default pool), or
    /// returns the ports it already has.
    ///
    /// Errors: [`InvalidArgument`](super::ErrorCode::InvalidArgument) (not a valid service
    /// name: 1-63 of `a-z 0-9 - .`, starting and ending with a letter or digit),
    /// [`Exhausted`](super::ErrorCode::Exhausted) (no free port left).
    pub fn allocate(&self, name: &str) -> Result<PortRange, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::allocate(ffi::hp_allocator_allocate, self.handle(), name, None) }
    }

    /// [`allocate`](PortAllocator::allocate) with every option the CLI has (pool, protocols,
    /// block size, pinned port, metadata, allow-registered, probe).
    ///
    /// Errors also: [`NotFound`](super::ErrorCode::NotFound) (unknown pool),
    /// [`Conflict`](super::ErrorCode::Conflict) (pinned port taken, or the name is placed
    /// differently than asked) and the probe's.
    pub fn allocate_with(&self, name: &str, options: &AllocateOptions) -> Result<PortRange, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe {
            ops::allocate(
                ffi::hp_allocator_allocate,
                self.handle(),
                name,
                Some(options),
            )
        }
    }

    /// Removes `name`; its ports stay in quarantine for the registry's 30 days (a later
    /// `allocate` of the same name takes them back). Error:
    /// [`NotFound`](super::ErrorCode::NotFound).
    pub fn release(&self, name: &str) -> Result<(), Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe {
            ops::release(
                ffi::hp_allocator_release,
                self.handle(),
                name,
                ops::DEFAULT_QUARANTINE,
            )
        }
    }

    /// [`release`](PortAllocator::release) with the quarantine period in days (0-3650; 0: the
    /// ports are free at once). More than 3650 is an
    /// [`InvalidArgument`](super::ErrorCode::InvalidArgument) error.
    pub fn release_with(&self, name: &str, quarantine_days: u32) -> Result<(), Error> {
        let days = ops::quarantine_days(quarantine_days);
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::release(ffi::hp_allocator_release, self.handle(), name, days) }
    }

    /// Adds a named pool over `ports`. A reserved pool gives its ports only to requests that
    /// name it ([`AllocateOptions::pool`]), pins included. Errors:
    /// [`InvalidArgument`](super::ErrorCode::InvalidArgument) (bad name, outside the range),
    /// [`Conflict`](super::ErrorCode::Conflict) (overlaps another pool).
    pub fn add_pool(&self, name: &str, ports: PortRange, reserved: bool) -> Result<(), Error> {
        let (name, name_size) = raw::text(name);
        raw::call(|error| {
            // SAFETY: a live handle (serialized by the C side); `name` is valid during the
            // call; `error` is a valid out-parameter.
            unsafe {
                ffi::hp_allocator_add_pool(
                    self.handle(),
                    name,
                    name_size,
                    raw::raw_port_range(ports),
                    ops::flag(reserved),
                    error,
                )
            }
        })
    }

    /// The allocation of `name`, or `None` when it has none (also for a name that is not a
    /// valid service name: none can be allocated).
    pub fn find(&self, name: &str) -> Result<Option<Allocation>, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::find(ffi::hp_allocator_find, self.handle(), name) }
    }

    /// Every allocation, in canonical order (by first port, protocol, name).
    pub fn list(&self) -> Result<Vec<Allocation>, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::list(ffi::hp_allocator_list, self.handle()) }
    }

    /// Policy and registry findings (with [`CheckOptions::host`] also this host's), most
    /// severe first. Findings of severity error are data, not an `Err`.
    pub fn check(&self, options: &CheckOptions) -> Result<Vec<Finding>, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::check(ffi::hp_allocator_check, self.handle(), options) }
    }

    /// The registry rendered in `format`, one of [`export_formats`](super::export_formats)
    /// (`"json"`, `"nftables"`, `"cpp"`, ...), as `harmony-ports export --format FORMAT`
    /// prints it.
    pub fn export(&self, format: &str, options: &ExportOptions) -> Result<String, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::export(ffi::hp_allocator_export, self.handle(), format, options) }
    }
}

impl Drop for PortAllocator {
    fn drop(&mut self) {
        // SAFETY: the handle came from hp_allocator_new, is owned by this value alone, and no
        // call on it can be running (Drop has `&mut self`).
        unsafe { ffi::hp_allocator_free(self.raw.as_ptr()) };
    }
}

impl std::fmt::Debug for PortAllocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortAllocator")
            .field("range", &self.range)
            .finish_non_exhaustive()
    }
}
