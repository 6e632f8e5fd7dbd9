// Compile-time guarantees for C++ code that uses registry ports (`export --format cpp`).
// Header-only and constexpr: a generated header applies these checks in static_asserts, so
// a table where two services share a port, a service sits on two ports across clusters, or a
// port lies outside the range does not compile, and the error names the clash, e.g.
//   In instantiation of 'struct harmony::network::no_port_shared_by_two_services<
//       harmony::network::PortClash{25080, "ceph-rgw", "ntfy"}>'
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace harmony::network {

inline constexpr unsigned k_table_tcp = 1;  // PortEntry::protocols bits
inline constexpr unsigned k_table_udp = 2;

// One service's ports in a generated table.
struct PortEntry {
    const char* name;     // the registry name, e.g. "ceph-rgw"
    std::uint16_t first;  // first port of the service (its only port unless a block)
    std::uint16_t last;
    unsigned protocols;  // k_table_tcp | k_table_udp
};

// What a check found: port 0 means nothing. `first`/`second` hold the names involved.
struct PortClash {
    std::uint16_t port = 0;
    char first[64] = {};
    char second[64] = {};
};

namespace detail {

constexpr void copy_name(char (&to)[64], const char* from) {
    for (std::size_t i = 0; i < 63 && from[i] != '\0'; ++i) {
        to[i] = from[i];
    }
}

constexpr bool same_name(const char* a, const char* b) {
    std::size_t i = 0;
    for (; a[i] != '\0' && b[i] != '\0'; ++i) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return a[i] == b[i];
}

constexpr bool name_less(const char* a, const char* b) {
    std::size_t i = 0;
    for (; a[i] != '\0' && a[i] == b[i]; ++i) {
    }
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
}

constexpr PortClash clash(std::uint16_t port, const char* first, const char* second) {
    PortClash c;
    c.port = port;
    copy_name(c.first, first);
    copy_name(c.second, second);
    return c;
}

}  // namespace detail

// The first conflict in `table`, in linear time (a holder per port and protocol):
//  - two different names on one port for a shared protocol;
//  - one name listed with two different port runs (a service must be mirrored on one port
//    everywhere; entries repeating the same name and ports are fine, e.g. per-cluster rows).
// Returns PortClash{} (port 0) when there is none.
template <std::size_t N>
consteval PortClash find_port_clash(const std::array<PortEntry, N>& table) {
    // holders[protocol][port] = index + 1 of the entry holding it, 0 when free.
    std::array<std::array<int, 65536>, 2> holders{};
    for (std::size_t i = 0; i < N; ++i) {
        const PortEntry& e = table[i];
        for (unsigned bit : {k_table_tcp, k_table_udp}) {
            if ((e.protocols & bit) == 0) {
                continue;
            }
            auto& held = holders[bit == k_table_tcp ? 0 : 1];
            for (std::uint32_t p = e.first; p <= e.last; ++p) {
                if (held[p] != 0) {
                    const PortEntry& other = table[static_cast<std::size_t>(held[p] - 1)];
                    if (!detail::same_name(other.name, e.name) || other.first != e.first ||
                        other.last != e.last) {
                        return detail::clash(static_cast<std::uint16_t>(p), other.name, e.name);
                    }
                }
                held[p] = static_cast<int>(i + 1);
            }
        }
    }
    // The same name on other ports (runs that do not overlap): sort by name, compare
    // neighbours. std::sort is constexpr, so this stays O(N log N).
    std::array<std::size_t, N> order{};
    for (std::size_t i = 0; i < N; ++i) {
        order[i] = i;
    }
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        if (detail::same_name(table[x].name, table[y].name)) {
            return x < y;  // table order among equal names: the report is deterministic
        }
        return detail::name_less(table[x].name, table[y].name);
    });
    for (std::size_t k = 1; k < N; ++k) {
        const PortEntry& x = table[order[k - 1]];
        const PortEntry& y = table[order[k]];
        if (detail::same_name(x.name, y.name) && (x.first != y.first || x.last != y.last)) {
            return detail::clash(y.first, x.name, y.name);
        }
    }
    return PortClash{};
}

// The first entry with a port outside [first, last], reported with second = "outside the
// range"; PortClash{} when every entry fits.
template <std::size_t N>
consteval PortClash find_port_outside(const std::array<PortEntry, N>& table, std::uint16_t first,
                                      std::uint16_t last) {
    for (const PortEntry& e : table) {
        if (e.first < first || e.last > last || e.first > e.last) {
            return detail::clash(e.first < first || e.first > e.last ? e.first : e.last, e.name,
                                 "outside the range");
        }
    }
    return PortClash{};
}

// static_assert(no_port_shared_by_two_services<find_port_clash(table)>::value) fails to
// compile, naming the port and both services, when the table has a clash.
template <PortClash C>
struct no_port_shared_by_two_services {
    static_assert(C.port == 0,
                  "harmony-ports: two services share a port, or one service has two different "
                  "ports (the PortClash above names the port and both)");
    static constexpr bool value = true;
};

// static_assert(every_port_inside_the_range<find_port_outside(table, F, L)>::value).
template <PortClash C>
struct every_port_inside_the_range {
    static_assert(C.port == 0,
                  "harmony-ports: a service lies outside the orchestrator range (the PortClash "
                  "above names the port and the service)");
    static constexpr bool value = true;
};

}  // namespace harmony::network
