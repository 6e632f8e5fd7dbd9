// Queries over the embedded reference data (the tables themselves are in the generated
// port_data.cpp).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <harmony/network/known_ports.hpp>

#include "policy/registered_bits.hpp"

namespace harmony::network {

namespace {

// last - first of the widest IANA assignment. Lets a lookup by first port start a bounded
// distance before the query instead of scanning the table from the beginning.
Port widest_assignment_span() noexcept {
    static const Port widest_span = [] {
        Port widest = 0;
        for (const IanaAssignment& a : iana_assignments()) {
            widest = std::max<Port>(widest, static_cast<Port>(a.ports.last - a.ports.first));
        }
        return widest;
    }();
    return widest_span;
}

}  // namespace

std::string_view to_string(Transport t) noexcept {
    switch (t) {
        case Transport::any:
            return "any";
        case Transport::tcp:
            return "tcp";
        case Transport::udp:
            return "udp";
        case Transport::sctp:
            return "sctp";
        case Transport::dccp:
            return "dccp";
    }
    return "any";  // unreachable for valid enumerators; keeps -Wreturn-type quiet
}

std::vector<IanaAssignment> iana_assignments_in(PortRange range) {
    const std::span<const IanaAssignment> all = iana_assignments();
    // The table is sorted by first port, so an overlapping entry starts no earlier than
    // range.first minus the widest span and no later than range.last.
    const Port widest = widest_assignment_span();
    const Port from = range.first > widest ? static_cast<Port>(range.first - widest) : Port{0};
    const auto first_of = [](const IanaAssignment& a) { return a.ports.first; };
    const auto begin = std::ranges::lower_bound(all, from, {}, first_of);
    const auto end = std::ranges::upper_bound(begin, all.end(), range.last, {}, first_of);
    std::vector<IanaAssignment> out;
    for (auto it = begin; it != end; ++it) {
        if (it->ports.overlaps(range)) {
            out.push_back(*it);
        }
    }
    return out;
}

std::vector<KnownSoftwarePort> known_software_in(PortRange range) {
    const std::span<const KnownSoftwarePort> all = known_software_ports();
    const auto port_of = [](const KnownSoftwarePort& s) { return s.port; };
    const auto begin = std::ranges::lower_bound(all, range.first, {}, port_of);
    const auto end = std::ranges::upper_bound(begin, all.end(), range.last, {}, port_of);
    return {begin, end};
}

// One bit per port, set when the deterministic rule must skip it. Built once, and shared with
// the allocator, which filters candidates a 64-bit word at a time.
const util::Bits65536& registered_or_known_bits() noexcept {
    static const util::Bits65536 bits = [] {
        util::Bits65536 b{};
        for (const IanaAssignment& a : iana_assignments()) {
            // Any transport counts: a udp- or sctp-only registration still marks the number
            // as taken for anyone reading the registry.
            util::assign_range(b, a.ports.first, a.ports.last, true);
        }
        for (const KnownSoftwarePort& s : known_software_ports()) {
            util::set_bit(b, s.port);
        }
        return b;
    }();
    return bits;
}

bool is_registered_or_known(Port port) noexcept {
    return util::test_bit(registered_or_known_bits(), port);
}

}  // namespace harmony::network
