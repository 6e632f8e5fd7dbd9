#include <harmony/network/allocator.hpp>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include <harmony/network/known_ports.hpp>
#include <harmony/network/service_name.hpp>

#include "allocate/candidate_set.hpp"
#include "allocate/holder_index.hpp"
#include "allocate/quarantine.hpp"
#include "util/bits65536.hpp"
#include "util/did_you_mean.hpp"

namespace harmony::network {

using util::Bits65536;

// One allocate() call after defaults are resolved.
struct PortAllocator::Request {
    std::string_view name;
    const AllocateOptions& options;
    Protocols protocols;
    std::uint16_t count;
    const Pool* pool;  // nullptr: default pool

    // Quarantine as the request meets it; place() honours the name's own entries as well.
    [[nodiscard]] detail::Claim claim(bool own_entries_block) const {
        return detail::Claim{own_entries_block ? std::string_view{} : name, protocols, options.now};
    }
};

// Everything the allocator keeps besides the registry itself, so that no call scans the
// allocations or the quarantine: per-call work is the words of the ports it looks at.
struct PortAllocator::State {
    Bits65536 tcp{};  // ports allocated for TCP
    Bits65536 udp{};  // ports allocated for UDP
    detail::HolderIndex holders;
    detail::Quarantine quarantine;
    // Candidate sets by pool (index in pools; pools.size() is the default pool) times
    // allow_registered, built when first asked for; add_pool clears them.
    mutable std::vector<std::optional<detail::CandidateSet>> candidates;
    // Ports a probe reported in use during one place() call, and the words to clear after it.
    mutable Bits65536 probed_busy{};
    mutable std::vector<std::uint32_t> probed_words;

    void remember_busy(std::uint32_t port) const {
        util::set_bit(probed_busy, port);
        probed_words.push_back(port >> 6);
    }
    void forget_busy() const {
        for (std::uint32_t w : probed_words) {
            probed_busy[w] = 0;
        }
        probed_words.clear();
    }

    [[nodiscard]] std::uint64_t taken_word(std::uint32_t w, Protocols protocols) const {
        return (has_tcp(protocols) ? tcp[w] : 0) | (has_udp(protocols) ? udp[w] : 0);
    }
};

namespace {

std::string pool_label(const Pool* pool, PortRange range) {
    if (pool == nullptr) {
        return fmt::format("the default pool of {}", range.to_string());
    }
    return fmt::format("pool {} ({})", pool->name, pool->ports.to_string());
}

std::string block_label(PortRange ports, Protocols protocols) {
    return fmt::format("{}/{}", ports.to_string(), to_string(protocols));
}

// Why a pool offers nothing at all; the hint says registered ports could be allowed.
std::unexpected<Error> no_candidates(std::string_view name, const std::string& pool,
                                     bool allow_registered) {
    if (allow_registered) {
        return fail(ErrorCode::exhausted,
                    fmt::format("no candidate ports for {} in {}", name, pool));
    }
    return fail(ErrorCode::exhausted,
                fmt::format("no candidate ports for {} in {} (all are IANA-registered or used "
                            "by known software)",
                            name, pool),
                Hint{HintKind::allow_registered, {}});
}

// No free port, or no free run of `count` ports, in the pool.
std::unexpected<Error> no_room(std::string_view name, const std::string& pool, Protocols protocols,
                               std::uint32_t count) {
    if (count == 1) {
        return fail(ErrorCode::exhausted,
                    fmt::format("no free {} port for {} in {}", to_string(protocols), name, pool));
    }
    return fail(ErrorCode::exhausted,
                fmt::format("no run of {} consecutive free {} ports for {} in {}", count,
                            to_string(protocols), name, pool));
}

// " (did you mean NAME?)" for the entry whose name is closest to `typed`, or "".
template <typename Entries>
std::string suggestion(std::string_view typed, const Entries& entries) {
    std::vector<std::string> names;
    names.reserve(entries.size());
    for (const auto& e : entries) {
        names.push_back(e.name);
    }
    auto hint = util::closest_match(typed, names);
    return hint.empty() ? std::string{} : fmt::format(" (did you mean {}?)", hint);
}

// The name, free text and count of a request, before anything else is looked at.
Expected<void> validate_request(std::string_view name, const AllocateOptions& options) {
    if (auto ok = validate_service_name(name); !ok) {
        return std::unexpected(ok.error());
    }
    for (auto [field, text] :
         {std::pair{"owner", &options.owner}, std::pair{"notes", &options.notes}}) {
        if (*text) {
            if (auto ok = validate_free_text(field, **text); !ok) {
                return std::unexpected(ok.error());
            }
        }
    }
    if (options.process) {
        if (auto ok = validate_process_name(*options.process); !ok) {
            return std::unexpected(ok.error());
        }
    }
    if (options.count && *options.count == 0) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid count 0 for {}: a block holds at least 1 port", name));
    }
    return {};
}

}  // namespace

PortAllocator::PortAllocator(Port first, Port last) : m_state(std::make_unique<State>()) {
    m_registry.range = first <= last ? PortRange{first, last} : PortRange{last, first};
}

PortAllocator::PortAllocator(Registry registry)
    : m_registry(std::move(registry)), m_state(std::make_unique<State>()) {
    m_state->quarantine = detail::Quarantine(std::move(m_registry.released));
    m_registry.released.clear();
    for (std::size_t i = 0; i < m_registry.allocations.size(); ++i) {
        const auto& a = m_registry.allocations[i];
        m_index.emplace(a.name, i);
        mark(a.ports, a.protocols, true);
        m_state->holders.add(a.ports, a.protocols, static_cast<std::uint32_t>(i));
    }
}

PortAllocator::PortAllocator(const PortAllocator& other)
    : m_registry(other.m_registry),
      m_index(other.m_index),
      m_state(std::make_unique<State>(*other.m_state)),
      m_revision(other.m_revision) {}

PortAllocator& PortAllocator::operator=(const PortAllocator& other) {
    if (this != &other) {
        PortAllocator copy(other);
        *this = std::move(copy);
    }
    return *this;
}

PortAllocator::PortAllocator(PortAllocator&& other) noexcept = default;
PortAllocator& PortAllocator::operator=(PortAllocator&& other) noexcept = default;
PortAllocator::~PortAllocator() = default;

Registry PortAllocator::registry() const {
    Registry copy = m_registry;
    copy.released = m_state->quarantine.entries();
    canonicalize(copy);
    return copy;
}

const Allocation* PortAllocator::find(std::string_view name) const {
    auto it = m_index.find(std::string(name));
    return it == m_index.end() ? nullptr : &m_registry.allocations[it->second];
}

const Pool* PortAllocator::find_pool(std::string_view name) const {
    for (const auto& pool : m_registry.pools) {
        if (pool.name == name) {
            return &pool;
        }
    }
    return nullptr;
}

void PortAllocator::mark(const PortRange& ports, Protocols protocols, bool taken) {
    if (has_tcp(protocols)) {
        util::assign_range(m_state->tcp, ports.first, ports.last, taken);
    }
    if (has_udp(protocols)) {
        util::assign_range(m_state->udp, ports.first, ports.last, taken);
    }
}

// Stores a new allocation; allocate() has already put its name in m_index.
void PortAllocator::add(Allocation allocation) {
    ++m_revision;
    mark(allocation.ports, allocation.protocols, true);
    const std::size_t id = m_registry.allocations.size();
    m_state->holders.add(allocation.ports, allocation.protocols, static_cast<std::uint32_t>(id));
    m_registry.allocations.push_back(std::move(allocation));
}

std::optional<Port> PortAllocator::first_taken(PortRange ports, Protocols protocols) const {
    auto taken = [&](std::uint32_t w) { return m_state->taken_word(w, protocols); };
    auto p = util::find_first_set(taken, ports.first, ports.last);
    return p ? std::optional<Port>(static_cast<Port>(*p)) : std::nullopt;
}

std::string PortAllocator::holder_of(Port port, Protocols protocols) const {
    for (Protocols one : {Protocols::tcp, Protocols::udp}) {
        if (!shares_protocol(one, protocols)) {
            continue;
        }
        if (auto id = m_state->holders.nearest_start(port, one)) {
            const Allocation& a = m_registry.allocations[*id];
            if (a.ports.contains(port) && shares_protocol(a.protocols, one)) {
                return a.name;
            }
        }
    }
    for (const auto& a : m_registry.allocations) {  // only for blocks an invalid file overlaps
        if (a.ports.contains(port) && shares_protocol(a.protocols, protocols)) {
            return a.name;
        }
    }
    return {};
}

Expected<void> PortAllocator::add_pool(std::string_view name, PortRange ports, bool reserved) {
    if (auto ok = validate_service_name(name); !ok) {
        return fail(ErrorCode::invalid_argument,
                    "pool name: " + ok.error().message.substr(ok.error().message.find('\'')));
    }
    if (ports.first > ports.last) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("pool {}: first port {} is above last port {}", name, ports.first,
                                ports.last));
    }
    if (!m_registry.range.contains(ports)) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("pool {} ({}) is outside the range {}", name, ports.to_string(),
                                m_registry.range.to_string()));
    }
    for (const auto& pool : m_registry.pools) {
        if (pool.name == name || pool.ports.overlaps(ports)) {
            return fail(ErrorCode::conflict,
                        fmt::format("pool {} ({}) collides with pool {} ({})", name,
                                    ports.to_string(), pool.name, pool.ports.to_string()));
        }
    }
    m_registry.pools.push_back(Pool{std::string(name), ports, reserved, {}});
    m_state->candidates.clear();  // the default pool lost these ports
    ++m_revision;
    return {};
}

Expected<PortRange> PortAllocator::allocate(std::string_view name, const AllocateOptions& options) {
    if (auto ok = validate_request(name, options); !ok) {
        return std::unexpected(ok.error());
    }
    const Pool* pool = nullptr;
    if (!options.pool.empty()) {
        pool = find_pool(options.pool);
        if (pool == nullptr) {
            return fail(ErrorCode::not_found,
                        fmt::format("unknown pool '{}' for {}{}", options.pool, name,
                                    suggestion(options.pool, m_registry.pools)));
        }
    }
    // One hash lookup serves both paths: a known name, or the slot a new name will fill.
    auto [slot, fresh] = m_index.try_emplace(std::string(name), m_registry.allocations.size());
    if (!fresh) {
        return update_existing(m_registry.allocations[slot->second], options);
    }
    Request request{name, options, options.protocols.value_or(Protocols::tcp),
                    options.count.value_or(1), pool};
    std::string pool_name = pool ? pool->name : std::string{};
    Expected<PortRange> ports = choose(request, pool_name);
    if (!ports) {
        m_index.erase(slot);
        return ports;
    }
    // The name's quarantine ends for the ports it holds again, and only for those.
    m_state->quarantine.take_back(name, *ports, request.protocols);
    add(Allocation{std::string(name),
                   *ports,
                   request.protocols,
                   pool_name,
                   options.owner.value_or(""),
                   options.notes.value_or(""),
                   options.process.value_or(""),
                   {}});
    return ports;
}

// The ports for a new name: pinned, taken back from its quarantine, or placed by the rule.
Expected<PortRange> PortAllocator::choose(const Request& request, std::string& pool_name) const {
    if (request.count > m_registry.range.size()) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("{}: a block of {} ports does not fit in the range {}",
                                request.name, request.count, m_registry.range.to_string()));
    }
    if (request.options.port) {
        return pin(request, *request.options.port, pool_name);
    }
    if (auto again = reclaim(request)) {
        return *again;
    }
    return place(request);
}

// Idempotent: a placed name keeps its ports; only an explicit contradiction is an error.
// Metadata given with the request overwrites the stored one.
Expected<PortRange> PortAllocator::update_existing(Allocation& existing,
                                                   const AllocateOptions& options) {
    auto mismatch = [&](std::string_view what) {
        return fail(
            ErrorCode::conflict,
            fmt::format("{} already holds {} {}; release it first to change {}", existing.name,
                        block_label(existing.ports, existing.protocols),
                        existing.pool.empty() ? "in the default pool" : "in pool " + existing.pool,
                        what));
    };
    if (options.protocols && *options.protocols != existing.protocols) {
        return mismatch("its protocols");
    }
    if (options.count && *options.count != existing.ports.size()) {
        return mismatch("its size");
    }
    if (options.port && *options.port != existing.ports.first) {
        return mismatch("its port");
    }
    if (!options.pool.empty() && options.pool != existing.pool) {
        return mismatch("its pool");
    }
    for (auto [given, field] :
         {std::pair{&options.owner, &existing.owner}, std::pair{&options.notes, &existing.notes},
          std::pair{&options.process, &existing.process}}) {
        if (*given && **given != *field) {
            *field = **given;
            ++m_revision;
        }
    }
    return existing.ports;
}

// A name released earlier gets its old ports back while they are still free for it: the
// lowest of its entries of the requested size inside the requested pool.
std::optional<PortRange> PortAllocator::reclaim(const Request& request) const {
    for (const Released* r : m_state->quarantine.of(request.name)) {
        if (r->ports.size() != request.count) {
            continue;
        }
        const Pool* home = nullptr;
        for (const auto& pool : m_registry.pools) {
            if (pool.ports.overlaps(r->ports)) {
                home = &pool;
            }
        }
        if (home != request.pool || (home && !home->ports.contains(r->ports)) ||
            !m_registry.range.contains(r->ports)) {
            continue;
        }
        bool free = !first_taken(r->ports, request.protocols) &&
                    !m_state->quarantine.first_blocked(r->ports, request.claim(false));
        for (std::uint32_t p = r->ports.first; free && request.options.probe && p <= r->ports.last;
             ++p) {
            free = !request.options.probe(static_cast<Port>(p), request.protocols);
        }
        if (free) {
            return r->ports;
        }
    }
    return std::nullopt;
}

Expected<PortRange> PortAllocator::pin(const Request& request, Port pinned,
                                       std::string& pool_name) const {
    const auto& range = m_registry.range;
    std::uint32_t first = pinned;
    std::uint32_t last = first + request.count - 1;
    if (first == 0) {
        return fail(
            ErrorCode::invalid_argument,
            fmt::format("cannot pin {} to port 0: bind() treats 0 as \"any port\"", request.name));
    }
    if (!range.contains(static_cast<Port>(first)) || last > range.last) {
        return fail(
            ErrorCode::invalid_argument,
            fmt::format(
                "cannot pin {} to {}: outside the range {}", request.name,
                last > 65535
                    ? fmt::format("{}-{}", first, last)
                    : PortRange{static_cast<Port>(first), static_cast<Port>(last)}.to_string(),
                range.to_string()));
    }
    PortRange ports{static_cast<Port>(first), static_cast<Port>(last)};
    if (auto ok = check_pin_pools(request, ports, pool_name); !ok) {
        return std::unexpected(ok.error());
    }
    // The first port that is taken, quarantined for another name or in use on the host wins;
    // on one port, in that order. Occupancy and quarantine are word-wise; only the probe
    // goes port by port, and only up to the first conflict the indexes found.
    const std::string label = block_label(ports, request.protocols);
    auto taken = first_taken(ports, request.protocols);
    auto quarantined = m_state->quarantine.first_blocked(ports, request.claim(false));
    std::uint32_t conflict = std::min<std::uint32_t>(taken.value_or(last + 1),
                                                     quarantined ? quarantined->first : last + 1);
    for (std::uint32_t p = first; request.options.probe && p < conflict; ++p) {
        if (request.options.probe(static_cast<Port>(p), request.protocols)) {
            return fail(ErrorCode::conflict,
                        fmt::format("cannot pin {} to {}: port {} is in use on this host",
                                    request.name, label, p));
        }
    }
    if (taken && *taken == conflict) {
        return fail(ErrorCode::conflict,
                    fmt::format("cannot pin {} to {}: port {} is already allocated to {}",
                                request.name, label, *taken, holder_of(*taken, request.protocols)));
    }
    if (quarantined) {
        return fail(ErrorCode::conflict,
                    fmt::format("cannot pin {} to {}: port {} is in quarantine after "
                                "{} was released, until {}",
                                request.name, label, quarantined->first, quarantined->second->name,
                                format_time(quarantined->second->until)));
    }
    return ports;
}

// A pin names its pool, or lands wholly inside one unreserved pool, or outside every pool.
Expected<void> PortAllocator::check_pin_pools(const Request& request, PortRange ports,
                                              std::string& pool_name) const {
    if (request.pool != nullptr) {
        if (!request.pool->ports.contains(ports)) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("cannot pin {} to {}: outside pool {} ({})", request.name,
                                    ports.to_string(), request.pool->name,
                                    request.pool->ports.to_string()));
        }
        return {};
    }
    for (const auto& pool : m_registry.pools) {
        if (!pool.ports.overlaps(ports)) {
            continue;
        }
        if (pool.reserved) {
            return fail(
                ErrorCode::conflict,
                fmt::format("cannot pin {} to {}: pool {} ({}) is reserved for requests "
                            "that name it",
                            request.name, ports.to_string(), pool.name, pool.ports.to_string()),
                Hint{HintKind::name_pool, pool.name});
        }
        if (!pool.ports.contains(ports)) {
            return fail(
                ErrorCode::invalid_argument,
                fmt::format("cannot pin {} to {}: the block straddles the edge of "
                            "pool {} ({})",
                            request.name, ports.to_string(), pool.name, pool.ports.to_string()));
        }
        pool_name = pool.name;
    }
    return {};
}

const detail::CandidateSet& PortAllocator::candidates_for(const Request& request) const {
    const auto& pools = m_registry.pools;
    auto& sets = m_state->candidates;
    sets.resize((pools.size() + 1) * 2);
    const std::size_t pool_slot =
        request.pool ? static_cast<std::size_t>(request.pool - pools.data()) : pools.size();
    auto& slot = sets[pool_slot * 2 + (request.options.allow_registered ? 1 : 0)];
    if (!slot) {
        std::vector<PortRange> excluded;
        if (request.pool == nullptr) {
            for (const auto& pool : pools) {
                excluded.push_back(pool.ports);
            }
        }
        slot.emplace(request.pool ? request.pool->ports : m_registry.range, excluded,
                     request.options.allow_registered);
    }
    return *slot;
}

// The deterministic rule of the product contract: candidates, FNV-1a start, upward walk.
// The candidate set is cached per pool; occupancy, quarantine and probe results are read
// word by word as the walk reaches them, so a call costs the words it walks over.
Expected<PortRange> PortAllocator::place(const Request& request) const {
    const auto& range = m_registry.range;
    const auto& options = request.options;
    const detail::CandidateSet& candidates = candidates_for(request);
    const std::uint32_t n = candidates.size();
    if (n == 0) {
        return no_candidates(request.name, pool_label(request.pool, range),
                             options.allow_registered);
    }
    const PortRange area = request.pool ? request.pool->ports : range;
    const detail::Claim claim = request.claim(true);
    const State& state = *m_state;
    const bool no_quarantine = state.quarantine.entries().empty();
    auto free_word = [&](std::uint32_t w) {
        std::uint64_t free =
            candidates.word(w) & ~state.taken_word(w, request.protocols) & ~state.probed_busy[w];
        return free == 0 || no_quarantine ? free : free & ~state.quarantine.blocked_word(w, claim);
    };
    auto not_free_word = [&](std::uint32_t w) { return ~free_word(w); };
    const std::uint32_t count = request.count;
    // Ports the probe finds in use are remembered for the rest of this call only.
    struct ForgetProbes {
        const State& state;
        ~ForgetProbes() { state.forget_busy(); }
    } forget{state};
    auto probe_block = [&](std::uint32_t p, std::uint32_t end) -> std::optional<std::uint32_t> {
        for (std::uint32_t q = p; options.probe && q <= end; ++q) {
            if (options.probe(static_cast<Port>(q), request.protocols)) {
                state.remember_busy(q);
                return q;
            }
        }
        return std::nullopt;
    };

    // First start port in [lo, hi] whose whole block is free; walks upward.
    auto search = [&](std::uint32_t lo, std::uint32_t hi) -> std::optional<std::uint32_t> {
        auto p = util::find_first_set(free_word, lo, hi);
        while (p) {
            std::uint32_t end = *p + count - 1;
            if (end > area.last) {
                return std::nullopt;  // later starts end even further out
            }
            auto blocker = util::find_first_set(not_free_word, *p, end);
            if (!blocker) {
                blocker = probe_block(*p, end);
            }
            if (!blocker) {
                return p;
            }
            p = util::find_first_set(free_word, *blocker + 1, hi);
        }
        return std::nullopt;
    };
    const std::uint32_t start =
        candidates.select(static_cast<std::uint32_t>(fnv1a64(request.name) % n));
    auto found = search(start, area.last);
    if (!found && start > area.first) {
        found = search(area.first, start - 1);
    }
    if (!found) {
        return no_room(request.name, pool_label(request.pool, range), request.protocols, count);
    }
    return PortRange{static_cast<Port>(*found), static_cast<Port>(*found + count - 1)};
}

Expected<Released> PortAllocator::release(std::string_view name, const ReleaseOptions& options) {
    if (auto ok = validate_service_name(name); !ok) {
        return std::unexpected(ok.error());
    }
    auto it = m_index.find(std::string(name));
    if (it == m_index.end()) {
        return fail(ErrorCode::not_found, fmt::format("no allocation named '{}'{}", name,
                                                      suggestion(name, m_registry.allocations)));
    }
    int days = options.quarantine_days.value_or(m_registry.quarantine_days);
    if (days < 0 || days > k_max_quarantine_days) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid quarantine of {} days: must be 0-{}", days,
                                k_max_quarantine_days));
    }
    std::size_t index = it->second;
    Allocation gone = std::move(m_registry.allocations[index]);
    m_state->holders.remove(gone.ports, gone.protocols, static_cast<std::uint32_t>(index));
    // Swap-remove keeps release O(1); registry() restores canonical order.
    const std::size_t last = m_registry.allocations.size() - 1;
    if (index != last) {
        Allocation& moved = m_registry.allocations[index];
        moved = std::move(m_registry.allocations[last]);
        m_index[moved.name] = index;
        m_state->holders.renumber(moved.ports, moved.protocols, static_cast<std::uint32_t>(last),
                                  static_cast<std::uint32_t>(index));
    }
    m_registry.allocations.pop_back();
    m_index.erase(it);
    mark(gone.ports, gone.protocols, false);
    ++m_revision;

    Released entry{
        gone.name, gone.ports, gone.protocols, options.now, options.now + std::chrono::days{days},
        {}};
    // Older quarantine of the name elsewhere stays; an entry over these very ports (only a
    // hand-edited file has one) gives way to the new period.
    m_state->quarantine.take_back(gone.name, gone.ports, gone.protocols);
    if (days > 0) {
        m_state->quarantine.add(entry);
    }
    return entry;
}

void PortAllocator::prune_expired(TimePoint now) {
    if (m_state->quarantine.prune(now)) {
        ++m_revision;
    }
}

}  // namespace harmony::network
