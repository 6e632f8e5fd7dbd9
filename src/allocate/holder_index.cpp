#include "allocate/holder_index.hpp"

namespace harmony::network::detail {

template <typename Fn>
void HolderIndex::each_map(Protocols protocols, Fn&& fn) {
    if (has_tcp(protocols)) {
        fn(m_tcp);
    }
    if (has_udp(protocols)) {
        fn(m_udp);
    }
}

void HolderIndex::add(PortRange ports, Protocols protocols, std::size_t id) {
    each_map(protocols, [&](Map& map) { map.emplace(ports.first, Block{ports.last, id}); });
}

void HolderIndex::remove(PortRange ports, Protocols protocols, std::size_t id) {
    each_map(protocols, [&](Map& map) {
        if (auto it = map.find(ports.first); it != map.end() && it->second.id == id) {
            map.erase(it);
        }
    });
}

void HolderIndex::renumber(PortRange ports, Protocols protocols, std::size_t from, std::size_t to) {
    each_map(protocols, [&](Map& map) {
        if (auto it = map.find(ports.first); it != map.end() && it->second.id == from) {
            it->second.id = to;
        }
    });
}

std::optional<std::size_t> HolderIndex::lookup(const Map& map, Port port) {
    auto it = map.upper_bound(port);  // the first block starting after `port`
    if (it == map.begin()) {
        return std::nullopt;
    }
    --it;
    if (port > it->second.last) {
        return std::nullopt;
    }
    return it->second.id;
}

std::optional<std::size_t> HolderIndex::holder(Port port, Protocols protocols) const {
    std::optional<std::size_t> found;
    if (has_tcp(protocols)) {
        found = lookup(m_tcp, port);
    }
    if (!found && has_udp(protocols)) {
        found = lookup(m_udp, port);
    }
    return found;
}

}  // namespace harmony::network::detail
