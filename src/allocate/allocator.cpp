#include <harmony/network/allocator.hpp>

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include <harmony/network/known_ports.hpp>
#include <harmony/network/service_name.hpp>

#include "policy/registered_bits.hpp"
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

bool is_active(const Released& r, TimePoint now) {
    return r.until > now;
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

}  // namespace

PortAllocator::PortAllocator(Port first, Port last) {
    m_registry.range = first <= last ? PortRange{first, last} : PortRange{last, first};
}

PortAllocator::PortAllocator(Registry registry) : m_registry(std::move(registry)) {
    for (std::size_t i = 0; i < m_registry.allocations.size(); ++i) {
        const auto& a = m_registry.allocations[i];
        m_index.emplace(a.name, i);
        mark(a.ports, a.protocols, true);
    }
}

Registry PortAllocator::registry() const {
    Registry copy = m_registry;
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
        util::assign_range(m_tcp, ports.first, ports.last, taken);
    }
    if (has_udp(protocols)) {
        util::assign_range(m_udp, ports.first, ports.last, taken);
    }
}

void PortAllocator::add(Allocation allocation) {
    ++m_revision;
    mark(allocation.ports, allocation.protocols, true);
    m_index[allocation.name] = m_registry.allocations.size();
    m_registry.allocations.push_back(std::move(allocation));
}

const Released* PortAllocator::quarantined_for_others(Port port, const Request& request) const {
    for (const auto& r : m_registry.released) {
        if (r.name != request.name && is_active(r, request.options.now) && r.ports.contains(port) &&
            shares_protocol(r.protocols, request.protocols)) {
            return &r;
        }
    }
    return nullptr;
}

std::string PortAllocator::holder_of(Port port, Protocols protocols) const {
    for (const auto& a : m_registry.allocations) {
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
    ++m_revision;
    return {};
}

Expected<PortRange> PortAllocator::allocate(std::string_view name, const AllocateOptions& options) {
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
    const Pool* pool = nullptr;
    if (!options.pool.empty()) {
        pool = find_pool(options.pool);
        if (pool == nullptr) {
            return fail(ErrorCode::not_found,
                        fmt::format("unknown pool '{}' for {}{}", options.pool, name,
                                    suggestion(options.pool, m_registry.pools)));
        }
    }

    // Idempotent: a placed name keeps its ports; only an explicit contradiction is an error.
    if (auto it = m_index.find(std::string(name)); it != m_index.end()) {
        Allocation& existing = m_registry.allocations[it->second];
        auto mismatch = [&](std::string_view what) {
            return fail(ErrorCode::conflict,
                        fmt::format("{} already holds {} {}; release it first to change {}", name,
                                    block_label(existing.ports, existing.protocols),
                                    existing.pool.empty() ? "in the default pool"
                                                          : "in pool " + existing.pool,
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
        for (auto [given, field] : {std::pair{&options.owner, &existing.owner},
                                    std::pair{&options.notes, &existing.notes},
                                    std::pair{&options.process, &existing.process}}) {
            if (*given && **given != *field) {
                *field = **given;
                ++m_revision;
            }
        }
        return existing.ports;
    }

    Request request{name, options, options.protocols.value_or(Protocols::tcp),
                    options.count.value_or(1), pool};
    if (request.count > m_registry.range.size()) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("{}: a block of {} ports does not fit in the range {}", name,
                                request.count, m_registry.range.to_string()));
    }
    std::string pool_name = pool ? pool->name : std::string{};
    Expected<PortRange> ports = fail(ErrorCode::exhausted, "");
    if (options.port) {
        ports = pin(request, *options.port, pool_name);
    } else if (auto again = reclaim(request)) {
        ports = *again;
    } else {
        ports = place(request);
    }
    if (!ports) {
        return ports;
    }
    // The name's own quarantine entry ends once it holds ports again.
    std::erase_if(m_registry.released, [&](const Released& r) { return r.name == name; });
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

// A name released earlier gets its old ports back while they are still free for it.
std::optional<PortRange> PortAllocator::reclaim(const Request& request) const {
    for (const auto& r : m_registry.released) {
        if (r.name != request.name || r.ports.size() != request.count) {
            continue;
        }
        const Pool* home = nullptr;
        for (const auto& pool : m_registry.pools) {
            if (pool.ports.overlaps(r.ports)) {
                home = &pool;
            }
        }
        if (home != request.pool || (home && !home->ports.contains(r.ports)) ||
            !m_registry.range.contains(r.ports)) {
            continue;
        }
        bool free = true;
        for (std::uint32_t p = r.ports.first; p <= r.ports.last && free; ++p) {
            free = holder_of(static_cast<Port>(p), request.protocols).empty() &&
                   quarantined_for_others(static_cast<Port>(p), request) == nullptr;
            if (free && request.options.probe) {
                free = !request.options.probe(static_cast<Port>(p), request.protocols);
            }
        }
        if (free) {
            return r.ports;
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
    if (request.pool != nullptr) {
        if (!request.pool->ports.contains(ports)) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("cannot pin {} to {}: outside pool {} ({})", request.name,
                                    ports.to_string(), request.pool->name,
                                    request.pool->ports.to_string()));
        }
    } else {
        for (const auto& pool : m_registry.pools) {
            if (!pool.ports.overlaps(ports)) {
                continue;
            }
            if (pool.reserved) {
                return fail(ErrorCode::conflict,
                            fmt::format("cannot pin {} to {}: pool {} ({}) is reserved; pass "
                                        "--pool {} to use it",
                                        request.name, ports.to_string(), pool.name,
                                        pool.ports.to_string(), pool.name));
            }
            if (!pool.ports.contains(ports)) {
                return fail(ErrorCode::invalid_argument,
                            fmt::format("cannot pin {} to {}: the block straddles the edge of "
                                        "pool {} ({})",
                                        request.name, ports.to_string(), pool.name,
                                        pool.ports.to_string()));
            }
            pool_name = pool.name;
        }
    }
    for (std::uint32_t p = first; p <= last; ++p) {
        auto port = static_cast<Port>(p);
        if (auto holder = holder_of(port, request.protocols); !holder.empty()) {
            return fail(
                ErrorCode::conflict,
                fmt::format("cannot pin {} to {}: port {} is already allocated to {}", request.name,
                            block_label(ports, request.protocols), port, holder));
        }
        if (const Released* r = quarantined_for_others(port, request)) {
            return fail(ErrorCode::conflict,
                        fmt::format("cannot pin {} to {}: port {} is in quarantine after "
                                    "{} was released, until {}",
                                    request.name, block_label(ports, request.protocols), port,
                                    r->name, format_time(r->until)));
        }
        if (request.options.probe && request.options.probe(port, request.protocols)) {
            return fail(ErrorCode::conflict,
                        fmt::format("cannot pin {} to {}: port {} is in use on this host",
                                    request.name, block_label(ports, request.protocols), port));
        }
    }
    return ports;
}

// The deterministic rule of the product contract: candidates, FNV-1a start, upward walk.
Expected<PortRange> PortAllocator::place(const Request& request) const {
    const auto& range = m_registry.range;
    const auto& options = request.options;

    // Candidates as a bitmap: the pool's ports (default pool: range minus named pools),
    // minus IANA-assigned and known-software ports unless allowed. Only the area's words are
    // touched, here and in every search below.
    PortRange area = request.pool ? request.pool->ports : range;
    const std::uint32_t first_word = area.first >> 6;
    const std::uint32_t last_word = area.last >> 6;
    Bits65536& candidates = m_candidates;
    Bits65536& blocked = m_blocked;  // active quarantine, then ports the probe found in use
    for (std::uint32_t w = first_word; w <= last_word; ++w) {
        candidates[w] = 0;
        blocked[w] = 0;
    }
    util::assign_range(candidates, area.first, area.last, true);
    util::reset_bit(candidates, 0);  // port 0 means "any port" to bind(): never a service's
    if (request.pool == nullptr) {
        for (const auto& pool : m_registry.pools) {
            if (pool.ports.overlaps(area)) {
                util::assign_range(candidates, std::max(pool.ports.first, area.first),
                                   std::min(pool.ports.last, area.last), false);
            }
        }
    }
    if (!options.allow_registered) {
        const Bits65536& skip = registered_or_known_bits();
        for (std::uint32_t w = first_word; w <= last_word; ++w) {
            candidates[w] &= ~skip[w];
        }
    }
    std::uint32_t n = util::count_bits(candidates, first_word, last_word);
    if (n == 0) {
        return fail(ErrorCode::exhausted,
                    fmt::format("no candidate ports for {} in {}{}", request.name,
                                pool_label(request.pool, range),
                                options.allow_registered
                                    ? ""
                                    : " (all are IANA-registered or used by known software; "
                                      "--allow-registered keeps them)"));
    }

    // Ports held for a shared protocol by active quarantine.
    for (const auto& r : m_registry.released) {
        if (is_active(r, options.now) && shares_protocol(r.protocols, request.protocols) &&
            r.ports.overlaps(area)) {
            util::assign_range(blocked, std::max(r.ports.first, area.first),
                               std::min(r.ports.last, area.last), true);
        }
    }
    const bool tcp = has_tcp(request.protocols);
    const bool udp = has_udp(request.protocols);
    auto free_word = [&](std::uint32_t w) {
        std::uint64_t taken = blocked[w];
        if (tcp) {
            taken |= m_tcp[w];
        }
        if (udp) {
            taken |= m_udp[w];
        }
        return candidates[w] & ~taken;
    };
    auto not_free_word = [&](std::uint32_t w) { return ~free_word(w); };

    const std::uint64_t h = fnv1a64(request.name);
    const std::uint32_t start =
        util::select_bit(candidates, static_cast<std::uint32_t>(h % n), first_word);
    const std::uint32_t count = request.count;

    // First start port in [lo, hi] whose whole block is free; walks upward.
    auto search = [&](std::uint32_t lo, std::uint32_t hi) -> std::optional<std::uint32_t> {
        auto p = util::find_first_set(free_word, lo, hi);
        while (p) {
            std::uint32_t end = *p + count - 1;
            if (end > area.last) {
                return std::nullopt;  // later starts end even further out
            }
            auto blocker = util::find_first_set(not_free_word, *p, end);
            if (!blocker && options.probe) {
                for (std::uint32_t q = *p; q <= end; ++q) {
                    if (options.probe(static_cast<Port>(q), request.protocols)) {
                        util::set_bit(blocked, q);
                        blocker = q;
                        break;
                    }
                }
            }
            if (!blocker) {
                return p;
            }
            p = util::find_first_set(free_word, *blocker + 1, hi);
        }
        return std::nullopt;
    };
    auto found = search(start, area.last);
    if (!found && start > area.first) {
        found = search(area.first, start - 1);
    }
    if (!found) {
        return fail(ErrorCode::exhausted,
                    count == 1
                        ? fmt::format("no free {} port for {} in {}", to_string(request.protocols),
                                      request.name, pool_label(request.pool, range))
                        : fmt::format("no run of {} consecutive free {} ports for {} in {}", count,
                                      to_string(request.protocols), request.name,
                                      pool_label(request.pool, range)));
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
    if (days < 0) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid quarantine of {} days: must be 0 or more", days));
    }
    std::size_t index = it->second;
    Allocation gone = std::move(m_registry.allocations[index]);
    // Swap-remove keeps release O(1); registry() restores canonical order.
    if (index + 1 != m_registry.allocations.size()) {
        m_registry.allocations[index] = std::move(m_registry.allocations.back());
        m_index[m_registry.allocations[index].name] = index;
    }
    m_registry.allocations.pop_back();
    m_index.erase(it);
    mark(gone.ports, gone.protocols, false);
    ++m_revision;

    Released entry{
        gone.name, gone.ports, gone.protocols, options.now, options.now + std::chrono::days{days},
        {}};
    std::erase_if(m_registry.released, [&](const Released& r) { return r.name == gone.name; });
    if (days > 0) {
        m_registry.released.push_back(entry);
    }
    return entry;
}

void PortAllocator::prune_expired(TimePoint now) {
    if (std::erase_if(m_registry.released, [&](const Released& r) { return !is_active(r, now); }) >
        0) {
        ++m_revision;
    }
}

}  // namespace harmony::network
