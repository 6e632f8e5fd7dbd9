// Which allocation holds a port, per protocol: blocks keyed by their first port, so a lookup
// is O(log n) and adding or removing a block of any size is one tree operation per protocol.
#pragma once

#include <cstddef>
#include <map>
#include <optional>

#include <harmony/network/port_range.hpp>
#include <harmony/network/protocol.hpp>

namespace harmony::network::detail {

class HolderIndex {
  public:
    // Records that allocation number `id` holds `ports` for `protocols`.
    void add(PortRange ports, Protocols protocols, std::size_t id);

    // Forgets allocation `id` at `ports`.
    void remove(PortRange ports, Protocols protocols, std::size_t id);

    // Allocation `from`, at `ports`, is now number `to` (after a swap-remove).
    void renumber(PortRange ports, Protocols protocols, std::size_t from, std::size_t to);

    // The number of the allocation holding `port` for a protocol of `protocols`, or nullopt.
    // Exact for a valid registry; blocks that overlap a block of the same first port (an
    // invalid file) are not indexed, so callers fall back to a scan when this finds nothing.
    [[nodiscard]] std::optional<std::size_t> holder(Port port, Protocols protocols) const;

  private:
    struct Block {
        Port last;
        std::size_t id;
    };
    using Map = std::map<Port, Block>;
    template <typename Fn>
    void each_map(Protocols protocols, Fn&& fn);
    static std::optional<std::size_t> lookup(const Map& map, Port port);

    Map m_tcp;
    Map m_udp;
};

}  // namespace harmony::network::detail
