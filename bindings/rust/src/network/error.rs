//! `Error`, `ErrorCode` and the remedy a failure comes with (`Hint`).

use std::fmt;

use super::raw::{self, HintRaw};
use crate::ffi;

/// What went wrong, as a stable code: the C library's `hp_status` values (the C++ library's
/// `ErrorCode`). Each has a CLI exit code ([`ErrorCode::exit_code`]).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A bad name, range, option or text (exit code 2).
    InvalidArgument,
    /// Malformed TOML, YAML or JSON (exit code 2).
    ParseError,
    /// Registry content that breaks the rules (exit code 2).
    InvalidRegistry,
    /// An unknown service or pool, or no registry file to change (exit code 1).
    NotFound,
    /// A pinned port is taken, or the name is placed differently than asked (exit code 1).
    Conflict,
    /// No free port or block is left (exit code 1).
    Exhausted,
    /// The file exists (exit code 1).
    AlreadyExists,
    /// The OS refused, or the registry is read-only (exit code 3).
    PermissionDenied,
    /// Any other OS failure, or out of memory (exit code 3).
    IoError,
    /// An input file that must exist does not (exit code 2).
    FileNotFound,
    /// A discovered file owned by someone else (exit code 3).
    Untrusted,
    /// The registry lock stayed held too long (exit code 3).
    LockTimeout,
    /// A code this version of the crate does not know (a newer library); exit code 3.
    Unknown,
}

impl ErrorCode {
    /// Every known code, in the C library's order.
    const ALL: [(ErrorCode, ffi::hp_status); 12] = [
        (ErrorCode::InvalidArgument, ffi::HP_INVALID_ARGUMENT),
        (ErrorCode::ParseError, ffi::HP_PARSE_ERROR),
        (ErrorCode::InvalidRegistry, ffi::HP_INVALID_REGISTRY),
        (ErrorCode::NotFound, ffi::HP_NOT_FOUND),
        (ErrorCode::Conflict, ffi::HP_CONFLICT),
        (ErrorCode::Exhausted, ffi::HP_EXHAUSTED),
        (ErrorCode::AlreadyExists, ffi::HP_ALREADY_EXISTS),
        (ErrorCode::PermissionDenied, ffi::HP_PERMISSION_DENIED),
        (ErrorCode::IoError, ffi::HP_IO_ERROR),
        (ErrorCode::FileNotFound, ffi::HP_FILE_NOT_FOUND),
        (ErrorCode::Untrusted, ffi::HP_UNTRUSTED),
        (ErrorCode::LockTimeout, ffi::HP_LOCK_TIMEOUT),
    ];

    /// The code of a C status; [`ErrorCode::Unknown`] for a value this crate does not know.
    pub(crate) fn from_raw(status: ffi::hp_status) -> ErrorCode {
        match status {
            ffi::HP_INVALID_ARGUMENT => ErrorCode::InvalidArgument,
            ffi::HP_PARSE_ERROR => ErrorCode::ParseError,
            ffi::HP_INVALID_REGISTRY => ErrorCode::InvalidRegistry,
            ffi::HP_NOT_FOUND => ErrorCode::NotFound,
            ffi::HP_CONFLICT => ErrorCode::Conflict,
            ffi::HP_EXHAUSTED => ErrorCode::Exhausted,
            ffi::HP_ALREADY_EXISTS => ErrorCode::AlreadyExists,
            ffi::HP_PERMISSION_DENIED => ErrorCode::PermissionDenied,
            ffi::HP_IO_ERROR => ErrorCode::IoError,
            ffi::HP_FILE_NOT_FOUND => ErrorCode::FileNotFound,
            ffi::HP_UNTRUSTED => ErrorCode::Untrusted,
            ffi::HP_LOCK_TIMEOUT => ErrorCode::LockTimeout,
            _ => ErrorCode::Unknown,
        }
    }

    /// The C status of this code; for [`ErrorCode::Unknown`] a value no status has.
    pub(crate) fn to_raw(self) -> ffi::hp_status {
        Self::ALL
            .iter()
            .find(|(code, _)| *code == self)
            .map_or(ffi::hp_status::MAX, |(_, raw)| *raw)
    }

    /// The exit code the `harmony-ports` CLI ends with for this error: 1, 2 or 3.
    pub fn exit_code(self) -> i32 {
        // SAFETY: hp_status_exit_code takes any value (3 for an unknown one), has no handle
        // and is thread-safe (the header: "Functions without a handle are thread-safe").
        unsafe { ffi::hp_status_exit_code(self.to_raw()) }
    }

    /// The stable kebab-case name, as in the CLI's `--json` output: `"invalid-argument"`,
    /// `"exhausted"`, ... (`"unknown"` for [`ErrorCode::Unknown`]).
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "invalid-argument",
            ErrorCode::ParseError => "parse-error",
            ErrorCode::InvalidRegistry => "invalid-registry",
            ErrorCode::NotFound => "not-found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Exhausted => "exhausted",
            ErrorCode::AlreadyExists => "already-exists",
            ErrorCode::PermissionDenied => "permission-denied",
            ErrorCode::IoError => "io-error",
            ErrorCode::FileNotFound => "file-not-found",
            ErrorCode::Untrusted => "untrusted",
            ErrorCode::LockTimeout => "lock-timeout",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl fmt::Display for ErrorCode {
    /// The kebab-case name ([`ErrorCode::name`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a caller could do about an error or a finding, as data: the library names the remedy,
/// the caller words it (the CLI turns it into its own flags).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HintKind {
    /// No registry exists: create one (subject: the folder searched).
    CreateRegistry,
    /// The file exists: allow overwriting it (subject: the file).
    Overwrite,
    /// The port lies in a reserved pool: ask for it by name (subject: the pool).
    NamePool,
    /// Only IANA-registered or known-software ports are left: allow them
    /// ([`AllocateOptions::allow_registered`](super::AllocateOptions::allow_registered)).
    AllowRegistered,
    /// A discovered file is not trusted: open it by path ([`Registry::open`](super::Registry::open))
    /// (subject: the file).
    TrustExplicitly,
    /// Register the port in use by pinning it (subject: the port).
    PinPort,
    /// Install the kernel reservation export (format `sysctl`).
    ReserveEphemeral,
    /// A folder was given where a registry file is wanted (subject: the folder).
    NameRegistryFile,
    /// The registry lock was held too long: wait longer
    /// ([`Registry::set_lock_timeout`](super::Registry::set_lock_timeout)) or stop its holder.
    WaitLonger,
    /// The change is durable but could not be shown (subject: the service).
    ShowAllocation,
    /// The allocation sits on a taken port: release it and allocate it again (subject: the
    /// service).
    Reallocate,
    /// The fleet store holds no registry yet: initialise it.
    InitStore,
    /// Leftovers of interrupted transactions: repair the store.
    RepairStore,
    /// The file holds git conflict markers: redo the merge with the registry's merge driver
    /// (subject: the file).
    MergeConflict,
    /// The fleet store lost its registry config but still holds allocations: restore the
    /// config, keeping them.
    RestoreStore,
    /// A hint this version of the crate does not know (a newer library).
    Unknown,
}

impl HintKind {
    /// The kind of a C hint value; `None` for `HP_HINT_NONE`.
    pub(crate) fn from_raw(hint: ffi::hp_hint) -> Option<HintKind> {
        Some(match hint {
            ffi::HP_HINT_NONE => return None,
            ffi::HP_HINT_CREATE_REGISTRY => HintKind::CreateRegistry,
            ffi::HP_HINT_OVERWRITE => HintKind::Overwrite,
            ffi::HP_HINT_NAME_POOL => HintKind::NamePool,
            ffi::HP_HINT_ALLOW_REGISTERED => HintKind::AllowRegistered,
            ffi::HP_HINT_TRUST_EXPLICITLY => HintKind::TrustExplicitly,
            ffi::HP_HINT_PIN_PORT => HintKind::PinPort,
            ffi::HP_HINT_RESERVE_EPHEMERAL => HintKind::ReserveEphemeral,
            ffi::HP_HINT_NAME_REGISTRY_FILE => HintKind::NameRegistryFile,
            ffi::HP_HINT_WAIT_LONGER => HintKind::WaitLonger,
            ffi::HP_HINT_SHOW_ALLOCATION => HintKind::ShowAllocation,
            ffi::HP_HINT_REALLOCATE => HintKind::Reallocate,
            ffi::HP_HINT_INIT_STORE => HintKind::InitStore,
            ffi::HP_HINT_REPAIR_STORE => HintKind::RepairStore,
            ffi::HP_HINT_MERGE_CONFLICT => HintKind::MergeConflict,
            ffi::HP_HINT_RESTORE_STORE => HintKind::RestoreStore,
            _ => HintKind::Unknown,
        })
    }

    /// The stable kebab-case name, as in the CLI's `--json` output: `"pin-port"`, ...
    pub fn name(self) -> &'static str {
        match self {
            HintKind::CreateRegistry => "create-registry",
            HintKind::Overwrite => "overwrite",
            HintKind::NamePool => "name-pool",
            HintKind::AllowRegistered => "allow-registered",
            HintKind::TrustExplicitly => "trust-explicitly",
            HintKind::PinPort => "pin-port",
            HintKind::ReserveEphemeral => "reserve-ephemeral",
            HintKind::NameRegistryFile => "name-registry-file",
            HintKind::WaitLonger => "wait-longer",
            HintKind::ShowAllocation => "show-allocation",
            HintKind::Reallocate => "reallocate",
            HintKind::InitStore => "init-store",
            HintKind::RepairStore => "repair-store",
            HintKind::MergeConflict => "merge-conflict",
            HintKind::RestoreStore => "restore-store",
            HintKind::Unknown => "unknown",
        }
    }
}

impl fmt::Display for HintKind {
    /// The kebab-case name ([`HintKind::name`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A remedy: its kind and the data it is about (a path, a pool, a port number, a service
/// name; empty when the kind needs none).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Hint {
    kind: HintKind,
    subject: String,
}

impl Hint {
    pub(crate) fn from_raw(raw: HintRaw) -> Option<Hint> {
        HintKind::from_raw(raw.kind).map(|kind| Hint {
            kind,
            subject: raw.subject,
        })
    }

    /// What to do.
    pub fn kind(&self) -> HintKind {
        self.kind
    }

    /// What it is about; `""` when the kind needs no subject.
    pub fn subject(&self) -> &str {
        &self.subject
    }
}

impl fmt::Display for Hint {
    /// The kind's name, then the subject in parentheses when there is one:
    /// `name-pool (metrics)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.subject.is_empty() {
            f.write_str(self.kind.name())
        } else {
            write!(f, "{} ({})", self.kind.name(), self.subject)
        }
    }
}

/// A failure of the library: a stable [`ErrorCode`], the message the CLI prints after
/// `harmony-ports: error: ` (it names the file, line:column, port and service involved) and
/// optionally a [`Hint`].
///
/// `Display` writes exactly the message, without the hint (the CLI appends its own wording of
/// the hint after `"; "`, shows control characters escaped, and prints a message of several
/// lines as one `harmony-ports: error: ` line each).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    hint: Option<Hint>,
}

impl Error {
    /// An error of this crate's own (no `hp_error` behind it).
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
            hint: None,
        }
    }

    /// The error a C call reported: its status and the `hp_error` it stored (may be NULL),
    /// which this takes over and frees.
    ///
    /// # Safety
    /// `error` is NULL or an `hp_error` the library handed out and nobody else frees.
    pub(crate) unsafe fn from_raw(status: ffi::hp_status, error: *mut ffi::hp_error) -> Error {
        let code = ErrorCode::from_raw(status);
        if error.is_null() {
            return Error::new(
                code,
                format!("the harmony-ports library failed with {code} and gave no message"),
            );
        }
        // SAFETY: `error` is a live hp_error (caller's contract); the strings it returns live
        // as long as the error, and are copied here before hp_error_free.
        let (message, hint) = unsafe {
            let message = raw::string(ffi::hp_error_message(error));
            let hint = HintRaw {
                kind: ffi::hp_error_hint(error),
                subject: raw::string(ffi::hp_error_hint_subject(error)),
            };
            ffi::hp_error_free(error);
            (message, hint)
        };
        Error {
            code,
            message,
            hint: Hint::from_raw(hint),
        }
    }

    /// The library promised a value and gave NULL.
    pub(crate) fn missing(what: &str) -> Error {
        Error::new(
            ErrorCode::IoError,
            format!("the harmony-ports library returned no {what}"),
        )
    }

    /// The stable code of what went wrong.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The message the CLI prints after `harmony-ports: error: ` (without the hint).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What the caller could do about it, if the library knows.
    pub fn hint(&self) -> Option<&Hint> {
        self.hint.as_ref()
    }

    /// The exit code the CLI ends with for this error ([`ErrorCode::exit_code`]).
    pub fn exit_code(&self) -> i32 {
        self.code.exit_code()
    }
}

impl fmt::Display for Error {
    /// Exactly the library's message ([`Error::message`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_values_fall_back() {
        for (code, raw) in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_raw(raw), code);
            assert_eq!(code.to_raw(), raw);
        }
        assert_eq!(ErrorCode::from_raw(13), ErrorCode::Unknown);
        assert_eq!(ErrorCode::from_raw(-1), ErrorCode::Unknown);
        assert_eq!(ErrorCode::from_raw(ffi::HP_OK), ErrorCode::Unknown);
        assert_eq!(HintKind::from_raw(ffi::HP_HINT_NONE), None);
        assert_eq!(HintKind::from_raw(99), Some(HintKind::Unknown));
    }

    fn c_name(name: *const std::ffi::c_char) -> String {
        // SAFETY: the name functions return static NUL-terminated strings.
        unsafe { raw::string(name) }
    }

    #[test]
    fn names_are_the_c_librarys() {
        for (code, raw) in ErrorCode::ALL {
            // SAFETY: hp_status_name takes any value and has no handle.
            assert_eq!(code.name(), c_name(unsafe { ffi::hp_status_name(raw) }));
        }
        // SAFETY: as above.
        assert_eq!(
            c_name(unsafe { ffi::hp_status_name(ErrorCode::Unknown.to_raw()) }),
            "unknown"
        );
        for raw in 1..=ffi::HP_HINT_REALLOCATE {
            let kind = HintKind::from_raw(raw).expect("a hint");
            assert_ne!(kind, HintKind::Unknown, "{raw}");
            // SAFETY: hp_hint_name takes any value and has no handle.
            assert_eq!(kind.name(), c_name(unsafe { ffi::hp_hint_name(raw) }));
        }
    }

    #[test]
    fn errors_keep_the_c_code_message_and_hint() {
        let ports = crate::network::PortAllocator::new(25_000, 25_000);
        let mut error: *mut ffi::hp_error = std::ptr::null_mut();
        let mut out = ffi::hp_port_range { first: 0, last: 0 };
        // SAFETY: a live handle, a valid name, NULL options, valid out-parameters; the error
        // is taken over by Error::from_raw below.
        let status = unsafe {
            ffi::hp_allocator_allocate(
                ports.raw_handle(),
                c"a".as_ptr(),
                1,
                std::ptr::null(),
                &mut out,
                &mut error,
            )
        };
        assert_eq!(status, ffi::HP_EXHAUSTED);
        // SAFETY: a live error the call stored for us.
        assert_eq!(unsafe { ffi::hp_error_code(error) }, status);
        // SAFETY: as above; freed there.
        let error = unsafe { Error::from_raw(status, error) };
        assert_eq!(error.code(), ErrorCode::Exhausted);
        assert_eq!(
            error.hint().map(Hint::kind),
            Some(HintKind::AllowRegistered)
        );
        assert!(
            error.message().starts_with("no candidate ports for a"),
            "{error}"
        );
    }

    #[test]
    fn error_display_is_the_message_alone() {
        let error = Error {
            code: ErrorCode::Exhausted,
            message: "no candidate ports for a".into(),
            hint: Some(Hint {
                kind: HintKind::AllowRegistered,
                subject: String::new(),
            }),
        };
        assert_eq!(error.to_string(), "no candidate ports for a");
        assert_eq!(
            error.hint().map(Hint::to_string).as_deref(),
            Some("allow-registered")
        );
    }
}
