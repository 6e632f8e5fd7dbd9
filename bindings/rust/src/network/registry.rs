//! `Registry`: the registry file, with the same discovery, trust and lock as the CLI.

use std::path::Path;
use std::ptr::{self, NonNull};
use std::time::Duration;

use super::error::Error;
use super::ops;
use super::options::{AllocateOptions, CheckOptions, ExportOptions};
use super::raw;
use super::types::{Allocation, Finding, PortRange};
use crate::ffi;

/// The shared registry file (`harmony.network.ports.toml`), read and changed exactly as the
/// `harmony-ports` CLI does: the same discovery, trust rules and file lock.
///
/// Every change ([`allocate`](Registry::allocate), [`release`](Registry::release)) is one
/// locked transaction (lock, read, place, write) and is durable when it returns `Ok`, so Rust
/// processes and CLI processes can change one registry at once without losing entries.
/// `Registry` is `Send` and `Sync`; the C library serializes the calls on one handle.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use harmony_ports::network::{AllocateOptions, Registry};
/// let registry = Registry::open("/srv/harmony/harmony.network.ports.toml")?;
/// let metrics = registry.allocate_with("node-exporter", &AllocateOptions::new().pool("metrics"))?;
/// println!("node-exporter -> {metrics}");
/// # Ok(())
/// # }
/// ```
pub struct Registry {
    raw: NonNull<ffi::hp_registry>,
    label: String,
}

// SAFETY: harmony_ports.h: "hp_allocator and hp_registry handles may be shared between
// threads; each serializes its own calls (one mutex per handle)". The handle is owned by this
// value alone and freed once, in Drop, when no other reference exists.
unsafe impl Send for Registry {}
// SAFETY: as for Send: every call through `&self` is serialized by the handle's own mutex;
// results are copied into owned Rust values before the library's objects are freed.
unsafe impl Sync for Registry {}

impl Registry {
    /// The registry found from `dir` as the CLI finds it: the named folder and those above it
    /// (`harmony.network.ports.toml` or `.yaml`, or the file `harmony.toml` names). Only files
    /// owned by the caller or root are trusted (else [`Untrusted`](super::ErrorCode::Untrusted)).
    /// Without a file, reads see the embedded ADR-014 default and changes fail with
    /// [`NotFound`](super::ErrorCode::NotFound).
    ///
    /// As for the CLI, the environment decides first: `HARMONY_PORTS_REGISTRY`, when set, names
    /// the file (and `dir` is not searched), and `HARMONY_PORTS_LOCK_TIMEOUT` (seconds) sets the
    /// initial lock timeout (an invalid value is an
    /// [`InvalidArgument`](super::ErrorCode::InvalidArgument) error here).
    pub fn discover(dir: impl AsRef<Path>) -> Result<Registry, Error> {
        let (dir, dir_size) = raw::path(dir.as_ref());
        Registry::from_call(|out, error| {
            // SAFETY: `dir` is valid for `dir_size` bytes during the call; `out` and `error`
            // are valid out-parameters.
            unsafe { ffi::hp_registry_discover(dir, dir_size, out, error) }
        })
    }

    /// The registry file at `path`, trusted as named (as `harmony-ports --registry PATH`; the
    /// harmony.toml beside it gives the range). Opening succeeds before the file exists; each
    /// call then reads it, so a missing file fails there, as the CLI does
    /// ([`FileNotFound`](super::ErrorCode::FileNotFound)). An empty path, or one with a NUL
    /// byte, is [`InvalidArgument`](super::ErrorCode::InvalidArgument).
    ///
    /// `HARMONY_PORTS_LOCK_TIMEOUT` (seconds), when set, gives the initial lock timeout, as for
    /// the CLI.
    pub fn open(path: impl AsRef<Path>) -> Result<Registry, Error> {
        let (path, path_size) = raw::path(path.as_ref());
        Registry::from_call(|out, error| {
            // SAFETY: `path` is valid for `path_size` bytes during the call; `out` and `error`
            // are valid out-parameters.
            unsafe { ffi::hp_registry_open(path, path_size, out, error) }
        })
    }

    fn from_call(
        f: impl FnOnce(*mut *mut ffi::hp_registry, *mut *mut ffi::hp_error) -> ffi::hp_status,
    ) -> Result<Registry, Error> {
        let mut out: *mut ffi::hp_registry = ptr::null_mut();
        raw::call(|error| f(&mut out, error))?;
        let raw = NonNull::new(out).ok_or_else(|| Error::missing("registry"))?;
        // SAFETY: a live handle; the label lives as long as the handle and is copied here.
        let label = unsafe { raw::string(ffi::hp_registry_label(raw.as_ptr())) };
        Ok(Registry { raw, label })
    }

    fn handle(&self) -> *mut ffi::hp_registry {
        self.raw.as_ptr()
    }

    /// Where the registry lives: its file, or the embedded default's description (as the CLI
    /// names it in messages).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// How long changes wait for the registry lock another process holds (default 30 s, or
    /// `HARMONY_PORTS_LOCK_TIMEOUT`; zero: try once). A change that waited longer fails with
    /// [`LockTimeout`](super::ErrorCode::LockTimeout). The library takes milliseconds, up to
    /// one day; more is an [`InvalidArgument`](super::ErrorCode::InvalidArgument) error.
    pub fn set_lock_timeout(&self, timeout: Duration) -> Result<(), Error> {
        let ms = u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX);
        raw::call(|error| {
            // SAFETY: a live handle (serialized by the C side); `error` is a valid
            // out-parameter.
            unsafe { ffi::hp_registry_set_lock_timeout(self.handle(), ms, error) }
        })
    }

    /// `harmony-ports allocate NAME` as one transaction on the file: lock, read, place by the
    /// deterministic rule (or return the name's existing ports), write. Durable when it returns
    /// `Ok`.
    ///
    /// Errors: as [`PortAllocator::allocate`](super::PortAllocator::allocate), and the file's:
    /// [`FileNotFound`](super::ErrorCode::FileNotFound),
    /// [`ParseError`](super::ErrorCode::ParseError),
    /// [`InvalidRegistry`](super::ErrorCode::InvalidRegistry),
    /// [`Untrusted`](super::ErrorCode::Untrusted),
    /// [`LockTimeout`](super::ErrorCode::LockTimeout),
    /// [`PermissionDenied`](super::ErrorCode::PermissionDenied),
    /// [`IoError`](super::ErrorCode::IoError).
    pub fn allocate(&self, name: &str) -> Result<PortRange, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::allocate(ffi::hp_registry_allocate, self.handle(), name, None) }
    }

    /// [`allocate`](Registry::allocate) with every option the CLI has.
    pub fn allocate_with(&self, name: &str, options: &AllocateOptions) -> Result<PortRange, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe {
            ops::allocate(
                ffi::hp_registry_allocate,
                self.handle(),
                name,
                Some(options),
            )
        }
    }

    /// `harmony-ports release NAME` as one transaction; the ports stay in quarantine for the
    /// registry's period. Durable when it returns `Ok`.
    pub fn release(&self, name: &str) -> Result<(), Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe {
            ops::release(
                ffi::hp_registry_release,
                self.handle(),
                name,
                ops::DEFAULT_QUARANTINE,
            )
        }
    }

    /// [`release`](Registry::release) with the quarantine period in days (0-3650).
    pub fn release_with(&self, name: &str, quarantine_days: u32) -> Result<(), Error> {
        let days = ops::quarantine_days(quarantine_days);
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::release(ffi::hp_registry_release, self.handle(), name, days) }
    }

    /// Reads the registry (validated) and returns the allocation of `name`, or `None`.
    pub fn find(&self, name: &str) -> Result<Option<Allocation>, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::find(ffi::hp_registry_find, self.handle(), name) }
    }

    /// Reads the registry (validated) and returns every allocation, in canonical order.
    pub fn list(&self) -> Result<Vec<Allocation>, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::list(ffi::hp_registry_list, self.handle()) }
    }

    /// `harmony-ports check`: registry conflicts and policy findings (with
    /// [`CheckOptions::host`] also the host's), most severe first. Findings of severity error
    /// are data: `Err` means the check could not run.
    pub fn check(&self, options: &CheckOptions) -> Result<Vec<Finding>, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::check(ffi::hp_registry_check, self.handle(), options) }
    }

    /// `harmony-ports export --format FORMAT`: the registry (validated) in `format`, one of
    /// [`export_formats`](super::export_formats).
    pub fn export(&self, format: &str, options: &ExportOptions) -> Result<String, Error> {
        // SAFETY: a live handle; the C side serializes calls on it (see `Sync`).
        unsafe { ops::export(ffi::hp_registry_export, self.handle(), format, options) }
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        // SAFETY: the handle came from hp_registry_open/discover, is owned by this value
        // alone, and no call on it can be running (Drop has `&mut self`).
        unsafe { ffi::hp_registry_free(self.raw.as_ptr()) };
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}
