//! Helpers between the safe API and `ffi`: text and paths as (pointer, size), C strings to
//! `String`, statuses to `Result`, and the library's lists to `Vec`s (freed on every path).

use std::ffi::{c_char, CStr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{self, NonNull};

use super::error::{Error, Hint};
use super::types::{Allocation, Finding, PortRange, Protocols, Severity};
use crate::ffi;

/// Text as the C side takes it: a pointer and a size in bytes. A Rust `&str` is UTF-8 already;
/// the C side checks the rest (NUL bytes, size limit).
pub(crate) fn text(s: &str) -> (*const c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

/// Optional text: NULL for "not given".
pub(crate) fn optional_text(s: Option<&str>) -> (*const c_char, usize) {
    s.map_or((ptr::null(), 0), text)
}

/// A path as the bytes the OS takes.
pub(crate) fn path(p: &Path) -> (*const c_char, usize) {
    let bytes = p.as_os_str().as_bytes();
    (bytes.as_ptr().cast(), bytes.len())
}

/// A copy of a C string the library returned; `""` for NULL, invalid UTF-8 replaced.
///
/// # Safety
/// `s` is NULL or points to a NUL-terminated string that stays valid during the call.
pub(crate) unsafe fn string(s: *const c_char) -> String {
    if s.is_null() {
        return String::new();
    }
    // SAFETY: non-NULL and NUL-terminated (caller's contract).
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

/// `string`, with `None` for an empty (or NULL) string.
///
/// # Safety
/// As for [`string`].
pub(crate) unsafe fn optional_string(s: *const c_char) -> Option<String> {
    // SAFETY: forwarded contract.
    let s = unsafe { string(s) };
    (!s.is_empty()).then_some(s)
}

/// A hint as the C side gives it (kind value and subject text).
pub(crate) struct HintRaw {
    pub(crate) kind: ffi::hp_hint,
    pub(crate) subject: String,
}

/// Runs a C call with an `hp_error*` out-parameter; a failure becomes an [`Error`] (and the
/// `hp_error` is freed).
pub(crate) fn call(f: impl FnOnce(*mut *mut ffi::hp_error) -> ffi::hp_status) -> Result<(), Error> {
    let mut error: *mut ffi::hp_error = ptr::null_mut();
    let status = f(&mut error);
    if status == ffi::HP_OK {
        if !error.is_null() {
            // Not expected ("success leaves *error untouched"), but never leaked.
            // SAFETY: a non-NULL hp_error the library stored; nobody else frees it.
            unsafe { ffi::hp_error_free(error) };
        }
        return Ok(());
    }
    // SAFETY: `error` is NULL or the hp_error the failing call stored for us alone.
    Err(unsafe { Error::from_raw(status, error) })
}

pub(crate) fn port_range(raw: ffi::hp_port_range) -> PortRange {
    PortRange::new(raw.first, raw.last)
}

pub(crate) fn raw_port_range(ports: PortRange) -> ffi::hp_port_range {
    ffi::hp_port_range {
        first: ports.first(),
        last: ports.last(),
    }
}

/// The most list entries reserved up front: a registry holds at most 65,536 ports per protocol,
/// and a size beyond any real list must not turn into a huge allocation.
const MAX_RESERVE: usize = 1 << 18;

/// Owns an `hp_allocations` list; frees it when dropped.
struct AllocationList(NonNull<ffi::hp_allocations>);

impl Drop for AllocationList {
    fn drop(&mut self) {
        // SAFETY: the list came from the library, is owned here alone, and is freed once.
        unsafe { ffi::hp_allocations_free(self.0.as_ptr()) };
    }
}

/// Owns an `hp_findings` list; frees it when dropped.
struct FindingList(NonNull<ffi::hp_findings>);

impl Drop for FindingList {
    fn drop(&mut self) {
        // SAFETY: the list came from the library, is owned here alone, and is freed once.
        unsafe { ffi::hp_findings_free(self.0.as_ptr()) };
    }
}

/// Owns a string the library made; frees it when dropped.
struct LibraryString(NonNull<c_char>);

impl Drop for LibraryString {
    fn drop(&mut self) {
        // SAFETY: the string came from the library, is owned here alone, and is freed once.
        unsafe { ffi::hp_string_free(self.0.as_ptr()) };
    }
}

/// The allocations of a list the library handed out (taken over and freed); NULL where a list
/// was promised is an [`Error`] with code `IoError`.
///
/// # Safety
/// `list` is NULL or a list the library handed out that nobody else frees.
pub(crate) unsafe fn allocations(list: *mut ffi::hp_allocations) -> Result<Vec<Allocation>, Error> {
    let list = AllocationList(NonNull::new(list).ok_or_else(|| Error::missing("allocation list"))?);
    // SAFETY: a live list (see above).
    let size = unsafe { ffi::hp_allocations_size(list.0.as_ptr()) };
    let mut out = Vec::with_capacity(size.min(MAX_RESERVE));
    for index in 0..size {
        // SAFETY: a live list; an index below its size.
        let item = unsafe { ffi::hp_allocations_at(list.0.as_ptr(), index) };
        // SAFETY: NULL, or an hp_allocation that lives as long as the list, which outlives this.
        let item = unsafe { item.as_ref() }.ok_or_else(|| Error::missing("allocation"))?;
        // SAFETY: the item's strings are NULL or NUL-terminated and live as long as the list.
        let allocation = unsafe { allocation(item) }?;
        out.push(allocation);
    }
    Ok(out)
}

/// # Safety
/// The strings of `item` are NULL or NUL-terminated and valid during the call.
unsafe fn allocation(item: &ffi::hp_allocation) -> Result<Allocation, Error> {
    // SAFETY: forwarded contract, for every string field.
    let name = unsafe { string(item.name) };
    let protocols = Protocols::from_raw(item.protocols).ok_or_else(|| {
        Error::new(
            super::ErrorCode::IoError,
            format!(
                "the harmony-ports library returned an unknown protocols value {} for {name}",
                item.protocols
            ),
        )
    })?;
    // SAFETY: as above.
    unsafe {
        Ok(Allocation {
            ports: port_range(item.ports),
            protocols,
            pool: optional_string(item.pool),
            owner: string(item.owner),
            notes: string(item.notes),
            process: string(item.process),
            name,
        })
    }
}

/// The findings of a list the library handed out (taken over and freed).
///
/// # Safety
/// `list` is NULL or a list the library handed out that nobody else frees.
pub(crate) unsafe fn findings(list: *mut ffi::hp_findings) -> Result<Vec<Finding>, Error> {
    let list = FindingList(NonNull::new(list).ok_or_else(|| Error::missing("finding list"))?);
    // SAFETY: a live list.
    let size = unsafe { ffi::hp_findings_size(list.0.as_ptr()) };
    let mut out = Vec::with_capacity(size.min(MAX_RESERVE));
    for index in 0..size {
        // SAFETY: a live list; an index below its size.
        let item = unsafe { ffi::hp_findings_at(list.0.as_ptr(), index) };
        // SAFETY: NULL, or an hp_finding that lives as long as the list.
        let item = unsafe { item.as_ref() }.ok_or_else(|| Error::missing("finding"))?;
        // SAFETY: the finding's strings are NULL or NUL-terminated and live as long as the
        // list, which outlives these copies.
        let finding = unsafe {
            Finding {
                severity: Severity::from_raw(item.severity),
                code: string(item.code),
                message: string(item.message),
                ports: (item.has_ports != 0).then(|| port_range(item.ports)),
                service: optional_string(item.service),
                platform: optional_string(item.platform),
                cluster: optional_string(item.cluster),
                hint: Hint::from_raw(HintRaw {
                    kind: item.hint,
                    subject: string(item.hint_subject),
                }),
            }
        };
        out.push(finding);
    }
    Ok(out)
}

/// The text of a string the library made (`out`, `out_size` bytes; taken over and freed).
///
/// # Safety
/// `out` is NULL or a string the library made, NUL-terminated, that nobody else frees, and
/// `size` is its length in bytes.
pub(crate) unsafe fn library_string(out: *mut c_char, size: usize) -> Result<String, Error> {
    let owned = LibraryString(NonNull::new(out).ok_or_else(|| Error::missing("export text"))?);
    // SAFETY: `size` bytes of a live string (caller's contract).
    let bytes = unsafe { std::slice::from_raw_parts(owned.0.as_ptr().cast::<u8>(), size) };
    Ok(String::from_utf8_lossy(bytes).into_owned())
}
