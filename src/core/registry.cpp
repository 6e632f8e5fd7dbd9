#include <harmony/network/registry.hpp>

#include <algorithm>
#include <cstdio>
#include <tuple>

#include <fmt/format.h>

namespace harmony::network {

Registry adr014_default_registry(PortRange range) {
    Registry r;
    r.range = range;
    const Pool pools[] = {
        {"metrics", {25090, 25099}, false, {}},
        {"control-plane", {25500, 25519}, false, {}},
        {"future-scores", {25550, 25599}, true, {}},
    };
    for (const auto& pool : pools) {
        if (range.contains(pool.ports)) {
            r.pools.push_back(pool);
        }
    }
    Allocation rgw{"ceph-rgw",
                   {25080, 25080},
                   Protocols::tcp,
                   "",
                   "",
                   "Ceph RADOS Gateway: replacement for :80, public HTTP frontend (host-network)",
                   "",
                   {}};
    Allocation https{"internal-https",
                     {25443, 25443},
                     Protocols::tcp,
                     "",
                     "",
                     "Internal HTTPS services: equivalent of :443 for secure endpoints",
                     "",
                     {}};
    for (auto& a : {rgw, https}) {
        if (range.contains(a.ports)) {
            r.allocations.push_back(a);
        }
    }
    return r;
}

namespace {

// Every field takes part in the order, so equal keys never leave the result to the input order
// (std::sort is not stable) and the canonical text is a function of the content alone.
bool pool_less(const Pool& a, const Pool& b) {
    return std::tie(a.ports, a.name, a.reserved) < std::tie(b.ports, b.name, b.reserved);
}
bool allocation_less(const Allocation& a, const Allocation& b) {
    return std::tie(a.ports, a.protocols, a.name, a.pool, a.owner, a.notes, a.process) <
           std::tie(b.ports, b.protocols, b.name, b.pool, b.owner, b.notes, b.process);
}
bool released_less(const Released& a, const Released& b) {
    return std::tie(a.ports, a.protocols, a.name, a.until, a.released_at) <
           std::tie(b.ports, b.protocols, b.name, b.until, b.released_at);
}

}  // namespace

void canonicalize(Registry& registry) {
    std::sort(registry.pools.begin(), registry.pools.end(), pool_less);
    std::sort(registry.allocations.begin(), registry.allocations.end(), allocation_less);
    std::sort(registry.released.begin(), registry.released.end(), released_less);
}

bool is_canonical(const Registry& registry) {
    return std::is_sorted(registry.pools.begin(), registry.pools.end(), pool_less) &&
           std::is_sorted(registry.allocations.begin(), registry.allocations.end(),
                          allocation_less) &&
           std::is_sorted(registry.released.begin(), registry.released.end(), released_less);
}

std::string format_time(TimePoint t) {
    auto days = std::chrono::floor<std::chrono::days>(t);
    std::chrono::year_month_day ymd{days};
    std::chrono::hh_mm_ss hms{t - days};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

Expected<TimePoint> parse_time(std::string_view text) {
    int y = 0;
    unsigned mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char z = 0;
    int consumed = 0;
    std::string copy(text);
    // %n proves the whole text was consumed; trailing junk is rejected.
    if (copy.size() != 20 ||
        std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u%c%n", &y, &mo, &d, &h, &mi, &s, &z,
                    &consumed) != 7 ||
        consumed != 20 || z != 'Z') {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid time '{}': expected YYYY-MM-DDTHH:MM:SSZ", text));
    }
    std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{mo},
                                    std::chrono::day{d}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 59) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid time '{}': no such date or time", text));
    }
    return TimePoint{std::chrono::sys_days{ymd}} + std::chrono::hours{h} +
           std::chrono::minutes{mi} + std::chrono::seconds{s};
}

}  // namespace harmony::network
