//! The values the API hands out: `PortRange`, `Protocols`, `Allocation`, `Finding`, `Severity`.

use std::fmt;
use std::ops::RangeInclusive;

use super::error::Hint;
use crate::ffi;

/// An inclusive range of ports: one port when `first() == last()`. Never empty.
///
/// Ordered by first port, then last port. `Display` writes it as the CLI prints it: `25080`
/// for one port, `25090-25099` for a block.
///
/// ```
/// use harmony_ports::network::PortRange;
/// assert_eq!(PortRange::single(25080).to_string(), "25080");
/// assert_eq!(PortRange::new(25090, 25099).to_string(), "25090-25099");
/// assert_eq!(PortRange::new(25099, 25090).len(), 10);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    first: u16,
    last: u16,
}

impl PortRange {
    /// The ports from `a` to `b` inclusive, in either order (as the C library swaps a reversed
    /// range).
    pub const fn new(a: u16, b: u16) -> PortRange {
        if a <= b {
            PortRange { first: a, last: b }
        } else {
            PortRange { first: b, last: a }
        }
    }

    /// The one port `port`.
    pub const fn single(port: u16) -> PortRange {
        PortRange {
            first: port,
            last: port,
        }
    }

    /// The lowest port.
    pub const fn first(self) -> u16 {
        self.first
    }

    /// The highest port (equal to [`first`](PortRange::first) for one port).
    pub const fn last(self) -> u16 {
        self.last
    }

    /// How many ports: 1 to 65,536.
    #[allow(clippy::len_without_is_empty)] // a range always holds at least one port
    pub const fn len(self) -> u32 {
        self.last as u32 - self.first as u32 + 1
    }

    /// Whether `port` lies in the range.
    pub const fn contains(self, port: u16) -> bool {
        self.first <= port && port <= self.last
    }

    /// Whether the two ranges share a port.
    pub const fn overlaps(self, other: PortRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// The ports, for iteration: `for port in range.ports() { ... }`.
    pub const fn ports(self) -> RangeInclusive<u16> {
        self.first..=self.last
    }
}

impl From<u16> for PortRange {
    /// The one port.
    fn from(port: u16) -> PortRange {
        PortRange::single(port)
    }
}

impl fmt::Display for PortRange {
    /// `25080` for one port, `25090-25099` for a block, as the CLI prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}-{}", self.first, self.last)
        }
    }
}

/// The transport protocols of an allocation.
///
/// `Display` writes `tcp`, `udp` or `tcp+udp`, as the CLI's `--protocol` takes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocols {
    /// TCP only.
    Tcp,
    /// UDP only.
    Udp,
    /// Both TCP and UDP on the same ports.
    TcpUdp,
}

impl Protocols {
    pub(crate) fn from_raw(raw: ffi::hp_protocols) -> Option<Protocols> {
        match raw {
            ffi::HP_TCP => Some(Protocols::Tcp),
            ffi::HP_UDP => Some(Protocols::Udp),
            ffi::HP_TCP_UDP => Some(Protocols::TcpUdp),
            _ => None,
        }
    }

    pub(crate) fn to_raw(self) -> ffi::hp_protocols {
        match self {
            Protocols::Tcp => ffi::HP_TCP,
            Protocols::Udp => ffi::HP_UDP,
            Protocols::TcpUdp => ffi::HP_TCP_UDP,
        }
    }

    /// `"tcp"`, `"udp"` or `"tcp+udp"`.
    pub fn name(self) -> &'static str {
        match self {
            Protocols::Tcp => "tcp",
            Protocols::Udp => "udp",
            Protocols::TcpUdp => "tcp+udp",
        }
    }

    /// Whether the two share a protocol (`TcpUdp` shares with both others): allocations that
    /// share one cannot share a port.
    pub fn overlaps(self, other: Protocols) -> bool {
        self == other || self == Protocols::TcpUdp || other == Protocols::TcpUdp
    }
}

impl fmt::Display for Protocols {
    /// `tcp`, `udp` or `tcp+udp`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How serious a [`Finding`] is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Should be looked at.
    Warning,
    /// Breaks the policy or the registry (the CLI's `check` then exits non-zero).
    Error,
}

impl Severity {
    /// A C severity; a value this crate does not know counts as `Error` (the safe side).
    pub(crate) fn from_raw(raw: ffi::hp_severity) -> Severity {
        match raw {
            ffi::HP_SEVERITY_INFO => Severity::Info,
            ffi::HP_SEVERITY_WARNING => Severity::Warning,
            ffi::HP_SEVERITY_ERROR => Severity::Error,
            _ => Severity::Error,
        }
    }

    /// `"info"`, `"warning"` or `"error"`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    /// `info`, `warning` or `error`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One service's ports, as `harmony-ports list` shows it.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Allocation {
    /// The service name.
    pub name: String,
    /// Its port or block.
    pub ports: PortRange,
    /// Its protocols.
    pub protocols: Protocols,
    /// The named pool it was allocated from; `None` for the default pool.
    pub pool: Option<String>,
    /// Who owns the service (free text; `""` when not given).
    pub owner: String,
    /// Notes (free text; `""` when not given).
    pub notes: String,
    /// The process (comm) name expected to listen on it; `""` when not given.
    pub process: String,
}

/// One finding of `check`: a policy or registry problem (or, with
/// [`CheckOptions::host`](super::CheckOptions::host), one seen on this host).
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// The stable kebab-case identifier of the kind of finding.
    pub code: String,
    /// What was found, in words (the CLI's text).
    pub message: String,
    /// The ports involved, if any.
    pub ports: Option<PortRange>,
    /// The service involved, if any.
    pub service: Option<String>,
    /// The platform involved, if any.
    pub platform: Option<String>,
    /// The cluster involved, if any.
    pub cluster: Option<String>,
    /// What could be done about it, if the library knows.
    pub hint: Option<Hint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_prints_as_the_cli_does() {
        assert_eq!(PortRange::single(25080).to_string(), "25080");
        assert_eq!(PortRange::new(25090, 25099).to_string(), "25090-25099");
        assert_eq!(PortRange::new(0, 65535).to_string(), "0-65535");
        assert_eq!(PortRange::from(1).to_string(), "1");
    }

    #[test]
    fn port_range_is_ordered_and_never_empty() {
        let block = PortRange::new(25099, 25090);
        assert_eq!((block.first(), block.last()), (25090, 25099));
        assert_eq!(block.len(), 10);
        assert_eq!(PortRange::new(0, 65535).len(), 65536);
        assert_eq!(PortRange::single(7).len(), 1);
        assert!(block.contains(25090) && block.contains(25099));
        assert!(!block.contains(25089) && !block.contains(25100));
        assert!(block.overlaps(PortRange::single(25099)));
        assert!(!block.overlaps(PortRange::new(25100, 25200)));
        assert_eq!(block.ports().count(), 10);
        let mut sorted = [
            PortRange::new(25090, 25099),
            PortRange::single(25080),
            PortRange::new(25080, 25081),
        ];
        sorted.sort();
        assert_eq!(
            sorted.map(|r| r.to_string()),
            ["25080", "25080-25081", "25090-25099"]
        );
    }

    #[test]
    fn protocols_and_severities_print_their_names() {
        assert_eq!(Protocols::Tcp.to_string(), "tcp");
        assert_eq!(Protocols::Udp.to_string(), "udp");
        assert_eq!(Protocols::TcpUdp.to_string(), "tcp+udp");
        assert!(Protocols::TcpUdp.overlaps(Protocols::Udp));
        assert!(!Protocols::Tcp.overlaps(Protocols::Udp));
        for p in [Protocols::Tcp, Protocols::Udp, Protocols::TcpUdp] {
            assert_eq!(Protocols::from_raw(p.to_raw()), Some(p));
        }
        assert_eq!(Protocols::from_raw(ffi::HP_PROTOCOLS_DEFAULT), None);
        assert_eq!(Protocols::from_raw(7), None);
        assert_eq!(
            Severity::from_raw(ffi::HP_SEVERITY_WARNING),
            Severity::Warning
        );
        assert_eq!(Severity::from_raw(42), Severity::Error);
        assert!(Severity::Info < Severity::Warning && Severity::Warning < Severity::Error);
        assert_eq!(Severity::Warning.to_string(), "warning");
    }
}
