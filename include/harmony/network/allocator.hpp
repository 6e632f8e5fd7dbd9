// PortAllocator: named, idempotent, deterministic port allocation inside one range.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <harmony/network/error.hpp>
#include <harmony/network/hash.hpp>
#include <harmony/network/port_range.hpp>
#include <harmony/network/protocol.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

namespace detail {
class CandidateSet;
}

// Answers "is this port in use on this host right now for these protocols?" (--probe).
using PortProbe = std::function<bool(Port, Protocols)>;

struct AllocateOptions {
    std::string pool;                    // empty: default pool (range minus named pools)
    std::optional<Protocols> protocols;  // unset: tcp for new names, any for existing
    std::optional<std::uint16_t> count;  // block size; unset: 1 for new names
    std::optional<Port> port;            // pin: first port of the allocation
    bool allow_registered = false;       // keep IANA/known-software ports as candidates
    std::optional<std::string> owner;    // set/overwrite metadata when given
    std::optional<std::string> notes;
    std::optional<std::string> process;
    PortProbe probe;  // when set, skip ports it reports in use
    TimePoint now = std::chrono::time_point_cast<std::chrono::seconds>(
        std::chrono::system_clock::now());  // for quarantine expiry
};

struct ReleaseOptions {
    std::optional<int> quarantine_days;  // unset: the registry's quarantine_days
    TimePoint now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
};

// Numbers as people type them (decimal only, see parse_decimal), checked against the limits
// the allocator holds them to. Error: invalid_argument, e.g. "invalid count '0': expected a
// decimal number 1-65535".
Expected<std::uint16_t> parse_block_size(std::string_view text);  // 1-65535
Expected<Port> parse_port_number(std::string_view text);          // 0-65535
Expected<int> parse_quarantine_days(std::string_view text);       // 0-k_max_quarantine_days

class PortAllocator {
  public:
    // An empty registry over [first, last] (the ADR's `PortAllocator::new(25_000, 25_999)`).
    // If first > last the two are swapped.
    PortAllocator(Port first, Port last);

    // An allocator over an existing registry. The registry must be valid (see validate());
    // an invalid one yields allocations that may overlap its bad entries.
    explicit PortAllocator(Registry registry);

    // Copies are independent allocators over equal registries.
    PortAllocator(const PortAllocator& other);
    PortAllocator& operator=(const PortAllocator& other);
    PortAllocator(PortAllocator&& other) noexcept;
    PortAllocator& operator=(PortAllocator&& other) noexcept;
    ~PortAllocator();

    // Places `name` by the deterministic rule (product contract) or returns its existing ports
    // unchanged. A released name takes its old ports back when they fit the request; every old
    // port (and protocol) it does not take back stays in quarantine. Errors: invalid_argument
    // (bad name/option), not_found (unknown pool), conflict (pin taken, name placed
    // differently than asked), exhausted (no room). The cost does not grow with the number of
    // allocations: occupancy bitmaps and indexes, not scans.
    Expected<PortRange> allocate(std::string_view name, const AllocateOptions& options = {});

    // Removes `name` and puts its ports in quarantine (next to any older quarantine of the
    // name). Error: not_found (with a suggestion).
    Expected<Released> release(std::string_view name, const ReleaseOptions& options = {});

    // Adds a named pool. Errors: invalid_argument (bad name, first port above last, outside
    // range), conflict (overlap).
    Expected<void> add_pool(std::string_view name, PortRange ports, bool reserved);

    // Drops quarantine entries whose period ended before `now`.
    void prune_expired(TimePoint now);

    // The allocation of `name`, or nullptr.
    [[nodiscard]] const Allocation* find(std::string_view name) const;

    // A copy of the current registry content, in canonical order.
    [[nodiscard]] Registry registry() const;

    [[nodiscard]] PortRange range() const noexcept { return m_registry.range; }

    // Grows with every change to the registry content (allocate that placed or updated a name,
    // release, add_pool, prune_expired that dropped something): callers compare it to skip
    // writing when nothing changed.
    [[nodiscard]] std::uint64_t revision() const noexcept { return m_revision; }

  private:
    struct Request;
    struct State;  // occupancy bitmaps, holder and quarantine indexes, candidate sets
    Expected<PortRange> update_existing(Allocation& existing, const AllocateOptions& options);
    Expected<PortRange> choose(const Request& request, std::string& pool_name) const;
    [[nodiscard]] const detail::CandidateSet& candidates_for(const Request& request) const;
    Expected<PortRange> place(const Request& request) const;
    Expected<PortRange> pin(const Request& request, Port port, std::string& pool) const;
    Expected<void> check_pin_pools(const Request& request, PortRange ports,
                                   std::string& pool_name) const;
    std::optional<PortRange> reclaim(const Request& request) const;
    void mark(const PortRange& ports, Protocols protocols, bool taken);
    void add(Allocation allocation);
    // The first port of `ports` allocated for a protocol of `protocols`, or nullopt.
    [[nodiscard]] std::optional<Port> first_taken(PortRange ports, Protocols protocols) const;
    [[nodiscard]] std::string holder_of(Port port, Protocols protocols) const;
    [[nodiscard]] const Pool* find_pool(std::string_view name) const;

    Registry m_registry;  // allocations in insertion order, released entries in m_state
    std::unordered_map<std::string, std::size_t> m_index;  // name -> allocations index
    std::unique_ptr<State> m_state;
    std::uint64_t m_revision = 0;
};

}  // namespace harmony::network
