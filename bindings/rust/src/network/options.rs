//! What requests take: `AllocateOptions`, `CheckOptions`, `ExportOptions`.

use std::marker::PhantomData;
use std::path::PathBuf;

use super::error::{Error, ErrorCode};
use super::raw;
use super::types::Protocols;
use crate::ffi;

/// Everything `harmony-ports allocate` takes besides the name. `Default` (or
/// [`AllocateOptions::new`]) is a plain `allocate NAME`.
///
/// Fields are public; the methods of the same names set them in a chain:
///
/// ```
/// use harmony_ports::network::{AllocateOptions, Protocols};
/// let options = AllocateOptions::new().pool("metrics").count(4).protocols(Protocols::Udp);
/// assert_eq!(options.count, Some(4));
/// let same = AllocateOptions {
///     pool: Some("metrics".into()),
///     count: Some(4),
///     protocols: Some(Protocols::Udp),
///     ..Default::default()
/// };
/// assert_eq!(options, same);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AllocateOptions {
    /// The named pool to allocate from (`--pool`); `None` or `""`: the default pool (the range
    /// minus every named pool).
    pub pool: Option<String>,
    /// `--protocol`; `None`: TCP for a new name, the existing protocols for a known name.
    pub protocols: Option<Protocols>,
    /// A block of this many consecutive ports (`--count`, 1-65535); `None`: one port for a
    /// new name, as placed for a known one. `Some(0)` is an `InvalidArgument` error.
    pub count: Option<u16>,
    /// Pin the (first) port (`--port`); `None`: placed by the deterministic rule.
    pub port: Option<u16>,
    /// Who owns the service (`--owner`, free text); `None`: a known name keeps its owner.
    pub owner: Option<String>,
    /// Notes (`--notes`, free text); `None`: a known name keeps its notes.
    pub notes: Option<String>,
    /// The process (comm) name expected to listen on the ports (`--process`).
    pub process: Option<String>,
    /// Keep IANA-registered and known-software ports as candidates (`--allow-registered`).
    pub allow_registered: bool,
    /// Also skip ports in use on this host now (`--probe`).
    pub probe: bool,
}

impl AllocateOptions {
    /// The defaults: a plain `allocate NAME`.
    pub fn new() -> AllocateOptions {
        AllocateOptions::default()
    }

    /// Sets [`pool`](AllocateOptions::pool).
    pub fn pool(mut self, pool: impl Into<String>) -> AllocateOptions {
        self.pool = Some(pool.into());
        self
    }

    /// Sets [`protocols`](AllocateOptions::protocols).
    pub fn protocols(mut self, protocols: Protocols) -> AllocateOptions {
        self.protocols = Some(protocols);
        self
    }

    /// Sets [`count`](AllocateOptions::count).
    pub fn count(mut self, count: u16) -> AllocateOptions {
        self.count = Some(count);
        self
    }

    /// Sets [`port`](AllocateOptions::port).
    pub fn port(mut self, port: u16) -> AllocateOptions {
        self.port = Some(port);
        self
    }

    /// Sets [`owner`](AllocateOptions::owner).
    pub fn owner(mut self, owner: impl Into<String>) -> AllocateOptions {
        self.owner = Some(owner.into());
        self
    }

    /// Sets [`notes`](AllocateOptions::notes).
    pub fn notes(mut self, notes: impl Into<String>) -> AllocateOptions {
        self.notes = Some(notes.into());
        self
    }

    /// Sets [`process`](AllocateOptions::process).
    pub fn process(mut self, process: impl Into<String>) -> AllocateOptions {
        self.process = Some(process.into());
        self
    }

    /// Sets [`allow_registered`](AllocateOptions::allow_registered).
    pub fn allow_registered(mut self, allow: bool) -> AllocateOptions {
        self.allow_registered = allow;
        self
    }

    /// Sets [`probe`](AllocateOptions::probe).
    pub fn probe(mut self, probe: bool) -> AllocateOptions {
        self.probe = probe;
        self
    }

    /// The C request; its pointers borrow `self`'s strings.
    pub(crate) fn to_raw(&self) -> Result<RawAllocateOptions<'_>, Error> {
        let count = match self.count {
            None => 0,
            // The library's own message for a count of 0 (`--count 0` in the CLI).
            Some(0) => {
                return Err(Error::new(
                    ErrorCode::InvalidArgument,
                    "invalid count '0': expected a decimal number 1-65535",
                ))
            }
            Some(n) => u32::from(n),
        };
        let (pool, pool_size) = raw::optional_text(self.pool.as_deref());
        let (owner, owner_size) = raw::optional_text(self.owner.as_deref());
        let (notes, notes_size) = raw::optional_text(self.notes.as_deref());
        let (process, process_size) = raw::optional_text(self.process.as_deref());
        Ok(RawAllocateOptions {
            raw: ffi::hp_allocate_options {
                pool,
                pool_size,
                protocols: self
                    .protocols
                    .map_or(ffi::HP_PROTOCOLS_DEFAULT, Protocols::to_raw),
                count,
                port: self.port.map_or(-1, i32::from),
                owner,
                owner_size,
                notes,
                notes_size,
                process,
                process_size,
                allow_registered: self.allow_registered.into(),
                probe: self.probe.into(),
                ..ffi::hp_allocate_options::default()
            },
            _borrow: PhantomData,
        })
    }
}

/// An `hp_allocate_options` whose text pointers borrow an [`AllocateOptions`].
pub(crate) struct RawAllocateOptions<'a> {
    pub(crate) raw: ffi::hp_allocate_options,
    _borrow: PhantomData<&'a AllocateOptions>,
}

/// What `check` looks at besides the policy and the registry.
///
/// ```
/// use harmony_ports::network::CheckOptions;
/// assert!(CheckOptions::new().host(true).host);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CheckOptions {
    /// Also what listens on this host now (as `check --host`).
    pub host: bool,
}

impl CheckOptions {
    /// Policy and registry only.
    pub fn new() -> CheckOptions {
        CheckOptions::default()
    }

    /// Sets [`host`](CheckOptions::host).
    pub fn host(mut self, host: bool) -> CheckOptions {
        self.host = host;
        self
    }

    pub(crate) fn flags(&self) -> std::ffi::c_uint {
        if self.host {
            ffi::HP_CHECK_HOST
        } else {
            0
        }
    }
}

/// What an export covers and where its topology is (`harmony-ports export`'s options).
///
/// ```
/// use harmony_ports::network::ExportOptions;
/// let options = ExportOptions::new().source("harmony.network.ports.toml");
/// assert_eq!(options.source.as_deref(), Some("harmony.network.ports.toml"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ExportOptions {
    /// Firewall and kernel formats cover the allocations only (not the whole range).
    pub allocations_only: bool,
    /// The name of the registry in the output; `None`: the registry's label.
    pub source: Option<String>,
    /// For the `cpp` and `rust` formats: a topology file; `None`: none.
    pub topology: Option<PathBuf>,
}

impl ExportOptions {
    /// The defaults.
    pub fn new() -> ExportOptions {
        ExportOptions::default()
    }

    /// Sets [`allocations_only`](ExportOptions::allocations_only).
    pub fn allocations_only(mut self, allocations_only: bool) -> ExportOptions {
        self.allocations_only = allocations_only;
        self
    }

    /// Sets [`source`](ExportOptions::source).
    pub fn source(mut self, source: impl Into<String>) -> ExportOptions {
        self.source = Some(source.into());
        self
    }

    /// Sets [`topology`](ExportOptions::topology).
    pub fn topology(mut self, topology: impl Into<PathBuf>) -> ExportOptions {
        self.topology = Some(topology.into());
        self
    }

    /// The C options; their pointers borrow `self`.
    pub(crate) fn to_raw(&self) -> RawExportOptions<'_> {
        let (source, source_size) = raw::optional_text(self.source.as_deref());
        let (topology, topology_size) = match &self.topology {
            Some(path) => raw::path(path),
            None => (std::ptr::null(), 0),
        };
        RawExportOptions {
            raw: ffi::hp_export_options {
                allocations_only: self.allocations_only.into(),
                source,
                source_size,
                topology,
                topology_size,
                ..ffi::hp_export_options::default()
            },
            _borrow: PhantomData,
        }
    }
}

/// An `hp_export_options` whose pointers borrow an [`ExportOptions`].
pub(crate) struct RawExportOptions<'a> {
    pub(crate) raw: ffi::hp_export_options,
    _borrow: PhantomData<&'a ExportOptions>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_c_librarys() {
        let mut c = ffi::hp_allocate_options {
            struct_size: 0,
            count: 7,
            port: 7,
            ..ffi::hp_allocate_options::default()
        };
        // SAFETY: a valid hp_allocate_options to write.
        unsafe { ffi::hp_allocate_options_init(&mut c) };
        let ours = AllocateOptions::new().to_raw().unwrap().raw;
        assert_eq!(
            (
                c.struct_size,
                c.protocols,
                c.count,
                c.port,
                c.allow_registered,
                c.probe
            ),
            (
                ours.struct_size,
                ours.protocols,
                ours.count,
                ours.port,
                ours.allow_registered,
                ours.probe
            )
        );
        assert!(c.pool.is_null() && c.owner.is_null() && c.notes.is_null() && c.process.is_null());
        assert!(ours.pool.is_null() && ours.owner.is_null() && ours.notes.is_null());
        assert!(ours.process.is_null());
    }

    #[test]
    fn options_pass_their_text_as_pointer_and_size() {
        let options = AllocateOptions::new()
            .pool("metrics")
            .count(4)
            .port(25_090)
            .probe(true);
        let raw = options.to_raw().unwrap().raw;
        assert_eq!(
            (raw.pool_size, raw.count, raw.port, raw.probe),
            (7, 4, 25_090, 1)
        );
        assert_eq!(raw.pool, options.pool.as_deref().unwrap().as_ptr().cast());
        let error = AllocateOptions::new().count(0).to_raw().err().unwrap();
        assert_eq!(error.code(), ErrorCode::InvalidArgument);
    }
}
