// Embedded reference data: IANA registrations, software that listens by default, and other
// systems' port ranges. Generated from shared/data by scripts/gen_port_data.py.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <harmony/network/port_range.hpp>

namespace harmony::network {

// Transport of a reference entry; `any` means the row names no single protocol.
enum class Transport : std::uint8_t { any, tcp, udp, sctp, dccp };

std::string_view to_string(Transport t) noexcept;

// An IANA registry row with a service name (an assignment), possibly over a port range.
struct IanaAssignment {
    PortRange ports;
    Transport transport;
    std::string_view service;
};

// Software that listens on a port by default although IANA may not list it there.
struct KnownSoftwarePort {
    Port port;
    Transport transport;
    std::string_view software;
    std::string_view source;
};

// A port range some system uses: ephemeral ranges, NodePort, other allocators' pools.
struct KnownPortRange {
    PortRange ports;
    Transport transport;
    std::string_view kind;      // system, registered, dynamic, ephemeral, nodeport, ...
    std::string_view platform;  // linux, freebsd, kubernetes, nomad, ...
    std::string_view what;
    std::string_view source;
};

std::span<const IanaAssignment> iana_assignments() noexcept;
std::span<const KnownSoftwarePort> known_software_ports() noexcept;
std::span<const KnownPortRange> known_port_ranges() noexcept;

// Assignments overlapping `range`, in port order.
std::vector<IanaAssignment> iana_assignments_in(PortRange range);
// Known-software ports inside `range`, in port order.
std::vector<KnownSoftwarePort> known_software_in(PortRange range);

// True when the deterministic rule skips `port` unless --allow-registered: some IANA row with
// a service name covers it (any transport), or some known-software row names it.
bool is_registered_or_known(Port port) noexcept;

}  // namespace harmony::network
