#include "allocate/candidate_set.hpp"

#include <array>
#include <bit>

#include "policy/registered_bits.hpp"
#include "util/bits65536.hpp"

namespace harmony::network::detail {

CandidateSet::CandidateSet(PortRange area, const std::vector<PortRange>& excluded,
                           bool allow_registered)
    : m_first_word(area.first >> 6) {
    const std::uint32_t last_word = area.last >> 6;
    m_bits.resize(last_word - m_first_word + 1);
    for (std::uint32_t w = m_first_word; w <= last_word; ++w) {
        std::uint64_t bits = util::word_mask(w, area.first, area.last);
        for (const PortRange& gap : excluded) {
            bits &= ~util::word_mask(w, gap.first, gap.last);
        }
        if (!allow_registered) {
            bits &= ~registered_or_known_bits()[w];
        }
        m_bits[w - m_first_word] = bits;
    }
    if (m_first_word == 0) {
        m_bits[0] &= ~1ULL;  // port 0 means "any port" to bind(): never a service's
    }
    m_before.resize(m_bits.size());
    for (std::size_t i = 0; i < m_bits.size(); ++i) {
        m_before[i] = m_count;
        m_count += static_cast<std::uint32_t>(std::popcount(m_bits[i]));
    }
}

namespace {

// Position of the k-th set bit of `word` (k counted from 0; k < popcount(word)): whole bytes
// are skipped by a table lookup, then bits are dropped one by one inside the byte.
std::uint32_t select_in_word(std::uint64_t word, std::uint32_t k) {
    static constexpr auto k_byte_bits = [] {
        std::array<std::uint8_t, 256> table{};
        for (unsigned b = 0; b < 256; ++b) {
            table[b] = static_cast<std::uint8_t>(std::popcount(b));
        }
        return table;
    }();
    std::uint32_t shift = 0;
    for (std::uint32_t c = k_byte_bits[word & 0xff]; k >= c; c = k_byte_bits[word & 0xff]) {
        k -= c;
        word >>= 8;
        shift += 8;
    }
    for (; k > 0; --k) {
        word &= word - 1;  // drop the lowest set bit
    }
    return shift + static_cast<std::uint32_t>(std::countr_zero(word));
}

}  // namespace

std::uint32_t CandidateSet::select(std::uint32_t k) const noexcept {
    // The last word whose prefix count is <= k holds the k-th candidate (branch-free search).
    const std::uint32_t* base = m_before.data();
    for (std::size_t n = m_before.size(); n > 1;) {
        const std::size_t half = n / 2;
        base = base[half] <= k ? base + half : base;
        n -= half;
    }
    const auto i = static_cast<std::size_t>(base - m_before.data());
    return (m_first_word + static_cast<std::uint32_t>(i)) * 64 +
           select_in_word(m_bits[i], k - m_before[i]);
}

}  // namespace harmony::network::detail
