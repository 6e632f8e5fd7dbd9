//! The calls `PortAllocator` and `Registry` share: the C functions of both handles have the same
//! shapes, so each operation is written once, over the handle type and the C function.

use std::ffi::{c_char, c_int, c_uint};
use std::ptr;

use super::error::Error;
use super::options::{AllocateOptions, CheckOptions, ExportOptions};
use super::raw;
use super::types::{Allocation, Finding, PortRange};
use crate::ffi::{self, hp_allocations, hp_error, hp_findings, hp_status};

pub(crate) type AllocateFn<H> = unsafe extern "C" fn(
    *mut H,
    *const c_char,
    usize,
    *const ffi::hp_allocate_options,
    *mut ffi::hp_port_range,
    *mut *mut hp_error,
) -> hp_status;
pub(crate) type ReleaseFn<H> =
    unsafe extern "C" fn(*mut H, *const c_char, usize, i32, *mut *mut hp_error) -> hp_status;
pub(crate) type FindFn<H> = unsafe extern "C" fn(
    *mut H,
    *const c_char,
    usize,
    *mut *mut hp_allocations,
    *mut *mut hp_error,
) -> hp_status;
pub(crate) type ListFn<H> =
    unsafe extern "C" fn(*mut H, *mut *mut hp_allocations, *mut *mut hp_error) -> hp_status;
pub(crate) type CheckFn<H> =
    unsafe extern "C" fn(*mut H, c_uint, *mut *mut hp_findings, *mut *mut hp_error) -> hp_status;
pub(crate) type ExportFn<H> = unsafe extern "C" fn(
    *mut H,
    *const c_char,
    usize,
    *const ffi::hp_export_options,
    *mut *mut c_char,
    *mut usize,
    *mut *mut hp_error,
) -> hp_status;

/// The quarantine argument meaning "the registry's period".
pub(crate) const DEFAULT_QUARANTINE: i32 = -1;

/// Quarantine days as the C side takes them (0-3650 are valid; a larger value stays too large,
/// so the library reports it rather than this crate cutting it silently).
pub(crate) fn quarantine_days(days: u32) -> i32 {
    i32::try_from(days).unwrap_or(i32::MAX)
}

/// # Safety
/// `handle` is a live handle of the kind `f` takes, safe to call from this thread.
pub(crate) unsafe fn allocate<H>(
    f: AllocateFn<H>,
    handle: *mut H,
    name: &str,
    options: Option<&AllocateOptions>,
) -> Result<PortRange, Error> {
    let options = options.map(AllocateOptions::to_raw).transpose()?;
    let options_ptr = options
        .as_ref()
        .map_or(ptr::null(), |o| &o.raw as *const ffi::hp_allocate_options);
    let (name, name_size) = raw::text(name);
    let mut out = ffi::hp_port_range { first: 0, last: 0 };
    raw::call(|error| {
        // SAFETY: a live handle (caller's contract); `name` is valid for `name_size` bytes and
        // the options (NULL: defaults) and the texts they borrow outlive the call; `out` and
        // `error` are valid out-parameters.
        unsafe { f(handle, name, name_size, options_ptr, &mut out, error) }
    })?;
    Ok(raw::port_range(out))
}

/// # Safety
/// As for [`allocate`].
pub(crate) unsafe fn release<H>(
    f: ReleaseFn<H>,
    handle: *mut H,
    name: &str,
    quarantine_days: i32,
) -> Result<(), Error> {
    let (name, name_size) = raw::text(name);
    raw::call(|error| {
        // SAFETY: a live handle; `name` is valid during the call; `error` is valid.
        unsafe { f(handle, name, name_size, quarantine_days, error) }
    })
}

/// # Safety
/// As for [`allocate`].
pub(crate) unsafe fn find<H>(
    f: FindFn<H>,
    handle: *mut H,
    name: &str,
) -> Result<Option<Allocation>, Error> {
    let (name, name_size) = raw::text(name);
    let mut out: *mut hp_allocations = ptr::null_mut();
    raw::call(|error| {
        // SAFETY: a live handle; `name` is valid during the call; `out` and `error` are valid
        // out-parameters.
        unsafe { f(handle, name, name_size, &mut out, error) }
    })?;
    // SAFETY: `out` is NULL or the list the call handed to us alone.
    Ok(unsafe { raw::allocations(out) }?.into_iter().next())
}

/// # Safety
/// As for [`allocate`].
pub(crate) unsafe fn list<H>(f: ListFn<H>, handle: *mut H) -> Result<Vec<Allocation>, Error> {
    let mut out: *mut hp_allocations = ptr::null_mut();
    raw::call(|error| {
        // SAFETY: a live handle; `out` and `error` are valid out-parameters.
        unsafe { f(handle, &mut out, error) }
    })?;
    // SAFETY: `out` is NULL or the list the call handed to us alone.
    unsafe { raw::allocations(out) }
}

/// # Safety
/// As for [`allocate`].
pub(crate) unsafe fn check<H>(
    f: CheckFn<H>,
    handle: *mut H,
    options: &CheckOptions,
) -> Result<Vec<Finding>, Error> {
    let mut out: *mut hp_findings = ptr::null_mut();
    raw::call(|error| {
        // SAFETY: a live handle; `out` and `error` are valid out-parameters.
        unsafe { f(handle, options.flags(), &mut out, error) }
    })?;
    // SAFETY: `out` is NULL or the list the call handed to us alone.
    unsafe { raw::findings(out) }
}

/// # Safety
/// As for [`allocate`].
pub(crate) unsafe fn export<H>(
    f: ExportFn<H>,
    handle: *mut H,
    format: &str,
    options: &ExportOptions,
) -> Result<String, Error> {
    let options = options.to_raw();
    let (format, format_size) = raw::text(format);
    let mut out: *mut c_char = ptr::null_mut();
    let mut size = 0usize;
    raw::call(|error| {
        // SAFETY: a live handle; `format` and the texts `options` borrows are valid during the
        // call; `out`, `size` and `error` are valid out-parameters.
        unsafe {
            f(
                handle,
                format,
                format_size,
                &options.raw,
                &mut out,
                &mut size,
                error,
            )
        }
    })?;
    // SAFETY: `out` is NULL or the NUL-terminated string of `size` bytes the call made for us
    // alone.
    unsafe { raw::library_string(out, size) }
}

/// A C `int` flag.
pub(crate) fn flag(value: bool) -> c_int {
    c_int::from(value)
}
