#include "allocate/quarantine.hpp"

#include <algorithm>
#include <bit>
#include <tuple>

#include "util/bits65536.hpp"

namespace harmony::network::detail {
namespace {

void replace_id(std::vector<std::uint32_t>& ids, std::uint32_t from, std::uint32_t to) {
    std::replace(ids.begin(), ids.end(), from, to);
}

void erase_id(std::vector<std::uint32_t>& ids, std::uint32_t id) {
    std::erase(ids, id);
}

}  // namespace

std::vector<Released> remainder(const Released& entry, PortRange ports, Protocols protocols) {
    if (!entry.ports.overlaps(ports) || !shares_protocol(entry.protocols, protocols)) {
        return {entry};
    }
    std::vector<Released> out;
    auto part = [&](Port first, Port last, Protocols kept) {
        Released piece = entry;
        piece.ports = PortRange{first, last};
        piece.protocols = kept;
        out.push_back(std::move(piece));
    };
    if (entry.ports.first < ports.first) {
        part(entry.ports.first, static_cast<Port>(ports.first - 1), entry.protocols);
    }
    const auto kept = static_cast<unsigned>(entry.protocols) & ~static_cast<unsigned>(protocols);
    if (kept != 0) {
        part(std::max(entry.ports.first, ports.first), std::min(entry.ports.last, ports.last),
             static_cast<Protocols>(kept));
    }
    if (entry.ports.last > ports.last) {
        part(static_cast<Port>(ports.last + 1), entry.ports.last, entry.protocols);
    }
    return out;
}

Quarantine::Quarantine(std::vector<Released> entries) : m_entries(std::move(entries)) {
    for (std::size_t id = 0; id < m_entries.size(); ++id) {
        link(id);
    }
}

void Quarantine::link(std::size_t id) {
    const Released& e = m_entries[id];
    const auto n = static_cast<std::uint32_t>(id);
    for (std::uint32_t w = e.ports.first >> 6; w <= (e.ports.last >> 6u); ++w) {
        m_by_word[w].push_back(n);
    }
    m_by_name[e.name].push_back(n);
}

void Quarantine::unlink(std::size_t id) {
    const Released& e = m_entries[id];
    const auto n = static_cast<std::uint32_t>(id);
    for (std::uint32_t w = e.ports.first >> 6; w <= (e.ports.last >> 6u); ++w) {
        erase_id(m_by_word[w], n);
    }
    auto it = m_by_name.find(e.name);
    erase_id(it->second, n);
    if (it->second.empty()) {
        m_by_name.erase(it);
    }
}

void Quarantine::renumber(std::size_t from, std::size_t to) {
    const Released& e = m_entries[from];
    const auto a = static_cast<std::uint32_t>(from);
    const auto b = static_cast<std::uint32_t>(to);
    for (std::uint32_t w = e.ports.first >> 6; w <= (e.ports.last >> 6u); ++w) {
        replace_id(m_by_word[w], a, b);
    }
    replace_id(m_by_name[e.name], a, b);
}

// Swap-remove: the last entry takes the place of the removed one.
void Quarantine::remove_at(std::size_t id) {
    unlink(id);
    const std::size_t last = m_entries.size() - 1;
    if (id != last) {
        renumber(last, id);
        m_entries[id] = std::move(m_entries[last]);
    }
    m_entries.pop_back();
}

void Quarantine::add(Released entry) {
    m_entries.push_back(std::move(entry));
    link(m_entries.size() - 1);
}

std::vector<const Released*> Quarantine::of(std::string_view name) const {
    std::vector<const Released*> out;
    if (m_entries.empty()) {
        return out;  // the common case: no string built, nothing hashed
    }
    if (auto it = m_by_name.find(std::string(name)); it != m_by_name.end()) {
        for (std::uint32_t id : it->second) {
            out.push_back(&m_entries[id]);
        }
    }
    std::sort(out.begin(), out.end(), [](const Released* a, const Released* b) {
        return std::tie(a->ports, a->protocols, a->until) <
               std::tie(b->ports, b->protocols, b->until);
    });
    return out;
}

bool Quarantine::take_back(std::string_view name, PortRange ports, Protocols protocols) {
    if (m_entries.empty()) {
        return false;
    }
    auto it = m_by_name.find(std::string(name));
    if (it == m_by_name.end()) {
        return false;
    }
    std::vector<std::uint32_t> touched;
    for (std::uint32_t id : it->second) {
        const Released& e = m_entries[id];
        if (e.ports.overlaps(ports) && shares_protocol(e.protocols, protocols)) {
            touched.push_back(id);
        }
    }
    // Highest first, so that the swap-removes never move an entry still to be visited.
    std::sort(touched.rbegin(), touched.rend());
    std::vector<Released> kept;
    for (std::uint32_t id : touched) {
        for (Released& piece : remainder(m_entries[id], ports, protocols)) {
            kept.push_back(std::move(piece));
        }
        remove_at(id);
    }
    for (Released& piece : kept) {
        add(std::move(piece));
    }
    return !touched.empty();
}

bool Quarantine::prune(TimePoint now) {
    bool dropped = false;
    for (std::size_t id = m_entries.size(); id-- > 0;) {
        if (m_entries[id].until <= now) {
            remove_at(id);
            dropped = true;
        }
    }
    return dropped;
}

bool Quarantine::blocks(const Released& entry, const Claim& claim) const {
    return entry.until > claim.now && shares_protocol(entry.protocols, claim.protocols) &&
           entry.name != claim.name;
}

std::uint64_t Quarantine::blocked_word(std::uint32_t w, const Claim& claim) const {
    std::uint64_t bits = 0;
    for (std::uint32_t id : m_by_word[w]) {
        const Released& e = m_entries[id];
        if (blocks(e, claim)) {
            bits |= util::word_mask(w, e.ports.first, e.ports.last);
        }
    }
    return bits;
}

std::optional<std::pair<Port, const Released*>> Quarantine::first_blocked(
    PortRange ports, const Claim& claim) const {
    auto blocked = [&](std::uint32_t w) { return blocked_word(w, claim); };
    auto port = util::find_first_set(blocked, ports.first, ports.last);
    if (!port) {
        return std::nullopt;
    }
    for (std::uint32_t id : m_by_word[*port >> 6]) {
        const Released& e = m_entries[id];
        if (e.ports.contains(static_cast<Port>(*port)) && blocks(e, claim)) {
            return std::pair{static_cast<Port>(*port), &e};
        }
    }
    return std::nullopt;  // unreachable: the bit came from such an entry
}

}  // namespace harmony::network::detail
