// Which allocation holds each port, per protocol: constant-time lookups for checks that
// walk many ports (live scans, topologies).
#pragma once

#include <vector>

#include <harmony/network/registry.hpp>

namespace harmony::network::detail {

class PortIndex {
  public:
    explicit PortIndex(const Registry& registry)
        : m_tcp(65536, -1), m_udp(65536, -1), m_registry(registry) {
        for (std::size_t i = 0; i < registry.allocations.size(); ++i) {
            const auto& a = registry.allocations[i];
            for (std::uint32_t p = a.ports.first; p <= a.ports.last; ++p) {
                if (has_tcp(a.protocols)) {
                    m_tcp[p] = static_cast<int>(i);
                }
                if (has_udp(a.protocols)) {
                    m_udp[p] = static_cast<int>(i);
                }
            }
        }
    }

    // The allocation holding `port` for `protocol` (tcp or udp), or nullptr.
    const Allocation* holder(Port port, Protocols protocol) const {
        int i = protocol == Protocols::tcp ? m_tcp[port] : m_udp[port];
        return i < 0 ? nullptr : &m_registry.allocations[static_cast<std::size_t>(i)];
    }

  private:
    std::vector<int> m_tcp, m_udp;
    const Registry& m_registry;
};

}  // namespace harmony::network::detail
