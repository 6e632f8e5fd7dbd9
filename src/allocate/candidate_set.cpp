#include "allocate/candidate_set.hpp"

#include <algorithm>
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

std::uint32_t CandidateSet::select(std::uint32_t k) const noexcept {
    // The last word whose prefix count is <= k holds the k-th candidate.
    auto it = std::upper_bound(m_before.begin(), m_before.end(), k);
    const auto i = static_cast<std::size_t>(it - m_before.begin()) - 1;
    std::uint64_t word = m_bits[i];
    for (std::uint32_t skip = k - m_before[i]; skip > 0; --skip) {
        word &= word - 1;  // drop the lowest set bit
    }
    return (m_first_word + static_cast<std::uint32_t>(i)) * 64 +
           static_cast<std::uint32_t>(std::countr_zero(word));
}

}  // namespace harmony::network::detail
