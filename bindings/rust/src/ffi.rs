//! Declarations mirroring `include/harmony_ports.h` (the C ABI), one for one.
//!
//! C enums are `int`-sized: their values arrive as `c_int` and are mapped to Rust enums with a
//! `match` that has a fallback, never transmuted. Handles are opaque types that Rust never
//! dereferences.

#![allow(non_camel_case_types)]
// The declarations mirror the whole header; a few are used by the unit tests only.
#![allow(dead_code)]

use std::ffi::{c_char, c_int, c_uint};
use std::marker::{PhantomData, PhantomPinned};

/// `hp_status`.
pub type hp_status = c_int;
pub const HP_OK: hp_status = 0;
pub const HP_INVALID_ARGUMENT: hp_status = 1;
pub const HP_PARSE_ERROR: hp_status = 2;
pub const HP_INVALID_REGISTRY: hp_status = 3;
pub const HP_NOT_FOUND: hp_status = 4;
pub const HP_CONFLICT: hp_status = 5;
pub const HP_EXHAUSTED: hp_status = 6;
pub const HP_ALREADY_EXISTS: hp_status = 7;
pub const HP_PERMISSION_DENIED: hp_status = 8;
pub const HP_IO_ERROR: hp_status = 9;
pub const HP_FILE_NOT_FOUND: hp_status = 10;
pub const HP_UNTRUSTED: hp_status = 11;
pub const HP_LOCK_TIMEOUT: hp_status = 12;

/// `hp_protocols`.
pub type hp_protocols = c_int;
pub const HP_PROTOCOLS_DEFAULT: hp_protocols = 0;
pub const HP_TCP: hp_protocols = 1;
pub const HP_UDP: hp_protocols = 2;
pub const HP_TCP_UDP: hp_protocols = 3;

/// `hp_hint`.
pub type hp_hint = c_int;
pub const HP_HINT_NONE: hp_hint = 0;
pub const HP_HINT_CREATE_REGISTRY: hp_hint = 1;
pub const HP_HINT_OVERWRITE: hp_hint = 2;
pub const HP_HINT_NAME_POOL: hp_hint = 3;
pub const HP_HINT_ALLOW_REGISTERED: hp_hint = 4;
pub const HP_HINT_TRUST_EXPLICITLY: hp_hint = 5;
pub const HP_HINT_PIN_PORT: hp_hint = 6;
pub const HP_HINT_RESERVE_EPHEMERAL: hp_hint = 7;
pub const HP_HINT_NAME_REGISTRY_FILE: hp_hint = 8;
pub const HP_HINT_WAIT_LONGER: hp_hint = 9;
pub const HP_HINT_SHOW_ALLOCATION: hp_hint = 10;
pub const HP_HINT_REALLOCATE: hp_hint = 11;
pub const HP_HINT_INIT_STORE: hp_hint = 12;
pub const HP_HINT_REPAIR_STORE: hp_hint = 13;
pub const HP_HINT_MERGE_CONFLICT: hp_hint = 14;
pub const HP_HINT_RESTORE_STORE: hp_hint = 15;

/// `hp_severity`.
pub type hp_severity = c_int;
pub const HP_SEVERITY_INFO: hp_severity = 0;
pub const HP_SEVERITY_WARNING: hp_severity = 1;
pub const HP_SEVERITY_ERROR: hp_severity = 2;

/// `HP_CHECK_HOST`.
pub const HP_CHECK_HOST: c_uint = 1;

#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct hp_port_range {
    pub first: u16,
    pub last: u16,
}

/// Declares an opaque C type: never constructed, never dereferenced, `!Send`, `!Sync` and
/// `!Unpin` (the safe wrappers state their own thread-safety).
macro_rules! opaque {
    ($($name:ident),* $(,)?) => {$(
        #[repr(C)]
        pub struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}
opaque!(
    hp_error,
    hp_allocations,
    hp_findings,
    hp_allocator,
    hp_registry
);

#[repr(C)]
#[derive(Clone, Copy)]
pub struct hp_allocate_options {
    pub struct_size: u32,
    pub pool: *const c_char,
    pub pool_size: usize,
    pub protocols: hp_protocols,
    pub count: u32,
    pub port: i32,
    pub owner: *const c_char,
    pub owner_size: usize,
    pub notes: *const c_char,
    pub notes_size: usize,
    pub process: *const c_char,
    pub process_size: usize,
    pub allow_registered: c_int,
    pub probe: c_int,
}

impl Default for hp_allocate_options {
    /// `HP_ALLOCATE_OPTIONS_INIT`.
    fn default() -> Self {
        Self {
            struct_size: size_of::<Self>() as u32,
            pool: std::ptr::null(),
            pool_size: 0,
            protocols: HP_PROTOCOLS_DEFAULT,
            count: 0,
            port: -1,
            owner: std::ptr::null(),
            owner_size: 0,
            notes: std::ptr::null(),
            notes_size: 0,
            process: std::ptr::null(),
            process_size: 0,
            allow_registered: 0,
            probe: 0,
        }
    }
}

#[repr(C)]
pub struct hp_allocation {
    pub name: *const c_char,
    pub ports: hp_port_range,
    pub protocols: hp_protocols,
    pub pool: *const c_char,
    pub owner: *const c_char,
    pub notes: *const c_char,
    pub process: *const c_char,
}

#[repr(C)]
pub struct hp_finding {
    pub severity: hp_severity,
    pub code: *const c_char,
    pub message: *const c_char,
    pub has_ports: c_int,
    pub ports: hp_port_range,
    pub service: *const c_char,
    pub platform: *const c_char,
    pub cluster: *const c_char,
    pub hint: hp_hint,
    pub hint_subject: *const c_char,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct hp_export_options {
    pub struct_size: u32,
    pub allocations_only: c_int,
    pub source: *const c_char,
    pub source_size: usize,
    pub topology: *const c_char,
    pub topology_size: usize,
}

impl Default for hp_export_options {
    /// `HP_EXPORT_OPTIONS_INIT`.
    fn default() -> Self {
        Self {
            struct_size: size_of::<Self>() as u32,
            allocations_only: 0,
            source: std::ptr::null(),
            source_size: 0,
            topology: std::ptr::null(),
            topology_size: 0,
        }
    }
}

extern "C" {
    // errors
    pub fn hp_error_code(error: *const hp_error) -> hp_status;
    pub fn hp_error_message(error: *const hp_error) -> *const c_char;
    pub fn hp_error_hint(error: *const hp_error) -> hp_hint;
    pub fn hp_error_hint_subject(error: *const hp_error) -> *const c_char;
    pub fn hp_error_free(error: *mut hp_error);
    pub fn hp_status_name(status: hp_status) -> *const c_char;
    pub fn hp_status_exit_code(status: hp_status) -> c_int;
    pub fn hp_hint_name(hint: hp_hint) -> *const c_char;
    pub fn hp_version() -> *const c_char;

    // requests
    pub fn hp_allocate_options_init(options: *mut hp_allocate_options);

    // results
    pub fn hp_allocations_size(list: *const hp_allocations) -> usize;
    pub fn hp_allocations_at(list: *const hp_allocations, index: usize) -> *const hp_allocation;
    pub fn hp_allocations_free(list: *mut hp_allocations);
    pub fn hp_findings_size(findings: *const hp_findings) -> usize;
    pub fn hp_findings_at(findings: *const hp_findings, index: usize) -> *const hp_finding;
    pub fn hp_findings_free(findings: *mut hp_findings);
    pub fn hp_string_free(text: *mut c_char);
    pub fn hp_export_formats() -> *const c_char;

    // the in-memory allocator
    pub fn hp_allocator_new(
        first: u16,
        last: u16,
        out: *mut *mut hp_allocator,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_allocator_free(allocator: *mut hp_allocator);
    pub fn hp_allocator_allocate(
        allocator: *mut hp_allocator,
        name: *const c_char,
        name_size: usize,
        options: *const hp_allocate_options,
        out: *mut hp_port_range,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_allocator_release(
        allocator: *mut hp_allocator,
        name: *const c_char,
        name_size: usize,
        quarantine_days: i32,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_allocator_add_pool(
        allocator: *mut hp_allocator,
        name: *const c_char,
        name_size: usize,
        ports: hp_port_range,
        reserved: c_int,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_allocator_find(
        allocator: *mut hp_allocator,
        name: *const c_char,
        name_size: usize,
        out: *mut *mut hp_allocations,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_allocator_list(
        allocator: *mut hp_allocator,
        out: *mut *mut hp_allocations,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_allocator_check(
        allocator: *mut hp_allocator,
        flags: c_uint,
        out: *mut *mut hp_findings,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_allocator_export(
        allocator: *mut hp_allocator,
        format: *const c_char,
        format_size: usize,
        options: *const hp_export_options,
        out: *mut *mut c_char,
        out_size: *mut usize,
        error: *mut *mut hp_error,
    ) -> hp_status;

    // the registry file
    pub fn hp_registry_discover(
        folder: *const c_char,
        folder_size: usize,
        out: *mut *mut hp_registry,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_registry_open(
        path: *const c_char,
        path_size: usize,
        out: *mut *mut hp_registry,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_registry_free(registry: *mut hp_registry);
    pub fn hp_registry_label(registry: *const hp_registry) -> *const c_char;
    pub fn hp_registry_set_lock_timeout(
        registry: *mut hp_registry,
        milliseconds: u32,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_registry_allocate(
        registry: *mut hp_registry,
        name: *const c_char,
        name_size: usize,
        options: *const hp_allocate_options,
        out: *mut hp_port_range,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_registry_release(
        registry: *mut hp_registry,
        name: *const c_char,
        name_size: usize,
        quarantine_days: i32,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_registry_find(
        registry: *mut hp_registry,
        name: *const c_char,
        name_size: usize,
        out: *mut *mut hp_allocations,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_registry_list(
        registry: *mut hp_registry,
        out: *mut *mut hp_allocations,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_registry_check(
        registry: *mut hp_registry,
        flags: c_uint,
        out: *mut *mut hp_findings,
        error: *mut *mut hp_error,
    ) -> hp_status;
    pub fn hp_registry_export(
        registry: *mut hp_registry,
        format: *const c_char,
        format_size: usize,
        options: *const hp_export_options,
        out: *mut *mut c_char,
        out_size: *mut usize,
        error: *mut *mut hp_error,
    ) -> hp_status;
}

#[cfg(test)]
mod layout {
    //! Sizes and offsets as gcc computes them for harmony_ports.h on x86-64 Linux (LP64).
    use super::*;
    use std::mem::offset_of;

    #[test]
    fn structs_match_the_header() {
        assert_eq!(size_of::<hp_port_range>(), 4);
        assert_eq!(size_of::<hp_allocate_options>(), 96);
        assert_eq!(offset_of!(hp_allocate_options, pool), 8);
        assert_eq!(offset_of!(hp_allocate_options, protocols), 24);
        assert_eq!(offset_of!(hp_allocate_options, count), 28);
        assert_eq!(offset_of!(hp_allocate_options, port), 32);
        assert_eq!(offset_of!(hp_allocate_options, owner), 40);
        assert_eq!(offset_of!(hp_allocate_options, process_size), 80);
        assert_eq!(offset_of!(hp_allocate_options, allow_registered), 88);
        assert_eq!(offset_of!(hp_allocate_options, probe), 92);
        assert_eq!(size_of::<hp_allocation>(), 48);
        assert_eq!(offset_of!(hp_allocation, ports), 8);
        assert_eq!(offset_of!(hp_allocation, protocols), 12);
        assert_eq!(offset_of!(hp_allocation, pool), 16);
        assert_eq!(offset_of!(hp_allocation, process), 40);
        assert_eq!(size_of::<hp_finding>(), 72);
        assert_eq!(offset_of!(hp_finding, code), 8);
        assert_eq!(offset_of!(hp_finding, has_ports), 24);
        assert_eq!(offset_of!(hp_finding, ports), 28);
        assert_eq!(offset_of!(hp_finding, service), 32);
        assert_eq!(offset_of!(hp_finding, hint), 56);
        assert_eq!(offset_of!(hp_finding, hint_subject), 64);
        assert_eq!(size_of::<hp_export_options>(), 40);
        assert_eq!(offset_of!(hp_export_options, allocations_only), 4);
        assert_eq!(offset_of!(hp_export_options, source), 8);
        assert_eq!(offset_of!(hp_export_options, topology_size), 32);
    }
}
