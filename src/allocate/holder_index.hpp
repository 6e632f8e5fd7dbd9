// Which allocation holds a port, per protocol: a bitmap of the ports where a block starts and
// the allocation number stored at each start. Adding, removing or renumbering a block of any
// size is O(1); a lookup finds the nearest start at or below the port, word by word.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <harmony/network/port_range.hpp>
#include <harmony/network/protocol.hpp>

#include "util/bits65536.hpp"

namespace harmony::network::detail {

class HolderIndex {
  public:
    HolderIndex();

    // Records that allocation number `id` holds `ports` for `protocols`.
    void add(PortRange ports, Protocols protocols, std::uint32_t id);

    // Forgets allocation `id` at `ports`.
    void remove(PortRange ports, Protocols protocols, std::uint32_t id);

    // Allocation `from`, at `ports`, is now number `to` (after a swap-remove).
    void renumber(PortRange ports, Protocols protocols, std::uint32_t from, std::uint32_t to);

    // The allocation whose block starts nearest at or below `port` for `protocol` (tcp or
    // udp). In a valid registry that is the holder of `port` when the port is taken; the
    // caller checks that the block covers the port (an invalid file may overlap blocks).
    [[nodiscard]] std::optional<std::uint32_t> nearest_start(Port port, Protocols protocol) const;

  private:
    struct Starts {
        util::Bits65536 bits{};         // a block starts at this port
        std::vector<std::uint32_t> id;  // the allocation starting there
    };
    Starts& starts(bool udp) { return udp ? m_udp : m_tcp; }

    Starts m_tcp;
    Starts m_udp;
};

}  // namespace harmony::network::detail
