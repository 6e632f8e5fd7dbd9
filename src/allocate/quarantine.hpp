// Released ports in quarantine, indexed by 64-port word and by name, so that "is this port
// quarantined for someone else?" costs the words asked about, not the number of entries.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <harmony/network/registry.hpp>

namespace harmony::network::detail {

// Who asks, for which protocols, at what time: quarantine blocks a port for a claim when an
// entry of another name, still active at `now`, covers it for a shared protocol.
struct Claim {
    std::string_view name;  // empty: every active entry blocks, the name's own ones too
    Protocols protocols;
    TimePoint now;
};

// `entry` without the ports `ports` holds for `protocols`: the parts before and after the
// block keep every protocol, the overlap keeps the protocols not taken. 0 to 3 entries.
std::vector<Released> remainder(const Released& entry, PortRange ports, Protocols protocols);

class Quarantine {
  public:
    explicit Quarantine(std::vector<Released> entries = {});

    // Every entry, in no particular order.
    [[nodiscard]] const std::vector<Released>& entries() const noexcept { return m_entries; }

    // The entries of `name`, in canonical order (by ports, then protocols).
    [[nodiscard]] std::vector<const Released*> of(std::string_view name) const;

    void add(Released entry);

    // `name` holds `ports` for `protocols` again: its entries lose exactly those (port,
    // protocol) pairs and keep every other. True when an entry changed.
    bool take_back(std::string_view name, PortRange ports, Protocols protocols);

    // Drops the entries whose period ended at or before `now`. True when one was dropped.
    bool prune(TimePoint now);

    // The bits of 64-port word `w` that quarantine blocks for `claim`.
    [[nodiscard]] std::uint64_t blocked_word(std::uint32_t w, const Claim& claim) const;

    // The first port of `ports` that quarantine blocks for `claim`, and the entry blocking it.
    [[nodiscard]] std::optional<std::pair<Port, const Released*>> first_blocked(
        PortRange ports, const Claim& claim) const;

  private:
    [[nodiscard]] bool blocks(const Released& entry, const Claim& claim) const;
    void link(std::size_t id);
    void unlink(std::size_t id);
    void renumber(std::size_t from, std::size_t to);
    void remove_at(std::size_t id);

    std::vector<Released> m_entries;
    std::array<std::vector<std::uint32_t>, 1024> m_by_word;  // entries touching each word
    std::unordered_map<std::string, std::vector<std::uint32_t>> m_by_name;
};

}  // namespace harmony::network::detail
