#include "allocate/holder_index.hpp"

#include <bit>

namespace harmony::network::detail {

HolderIndex::HolderIndex() {
    m_tcp.id.resize(util::k_bit_count);
    m_udp.id.resize(util::k_bit_count);
}

void HolderIndex::add(PortRange ports, Protocols protocols, std::uint32_t id) {
    for (bool udp : {false, true}) {
        if (udp ? has_udp(protocols) : has_tcp(protocols)) {
            util::set_bit(starts(udp).bits, ports.first);
            starts(udp).id[ports.first] = id;
        }
    }
}

void HolderIndex::remove(PortRange ports, Protocols protocols, std::uint32_t id) {
    for (bool udp : {false, true}) {
        Starts& s = starts(udp);
        if ((udp ? has_udp(protocols) : has_tcp(protocols)) && s.id[ports.first] == id) {
            util::reset_bit(s.bits, ports.first);
        }
    }
}

void HolderIndex::renumber(PortRange ports, Protocols protocols, std::uint32_t from,
                           std::uint32_t to) {
    for (bool udp : {false, true}) {
        Starts& s = starts(udp);
        if ((udp ? has_udp(protocols) : has_tcp(protocols)) && s.id[ports.first] == from) {
            s.id[ports.first] = to;
        }
    }
}

std::optional<std::uint32_t> HolderIndex::nearest_start(Port port, Protocols protocol) const {
    const Starts& s = protocol == Protocols::udp ? m_udp : m_tcp;
    std::uint32_t w = port >> 6;
    std::uint64_t word = s.bits[w] & (~0ULL >> (63 - (port & 63)));  // starts at or below
    while (word == 0) {
        if (w == 0) {
            return std::nullopt;
        }
        word = s.bits[--w];
    }
    return s.id[w * 64 + 63 - static_cast<std::uint32_t>(std::countl_zero(word))];
}

}  // namespace harmony::network::detail
