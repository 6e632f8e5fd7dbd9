// The candidate ports of one pool (step 1 of the deterministic rule) as a bitmap over the
// pool's words, with a count per word prefix, so that "the k-th candidate" is a binary search
// and the set is built once per pool, not once per allocation.
#pragma once

#include <cstdint>
#include <vector>

#include <harmony/network/port_range.hpp>

namespace harmony::network::detail {

class CandidateSet {
  public:
    CandidateSet() = default;

    // The ports of `area` minus the `excluded` ranges and port 0 (bind()'s "any port"),
    // minus IANA-assigned and known-software ports unless `allow_registered`.
    CandidateSet(PortRange area, const std::vector<PortRange>& excluded, bool allow_registered);

    [[nodiscard]] std::uint32_t size() const noexcept { return m_count; }

    // The candidate bits of 64-port word `w` (0 for a word outside the area).
    [[nodiscard]] std::uint64_t word(std::uint32_t w) const noexcept {
        const std::uint32_t i = w - m_first_word;  // wraps for words below the area
        return i < m_bits.size() ? m_bits[i] : 0;
    }

    // The k-th candidate port in ascending order, counted from 0. Precondition: k < size().
    [[nodiscard]] std::uint32_t select(std::uint32_t k) const noexcept;

  private:
    std::uint32_t m_first_word = 0;
    std::vector<std::uint64_t> m_bits;    // words m_first_word ...
    std::vector<std::uint32_t> m_before;  // candidates in the words before each word
    std::uint32_t m_count = 0;
};

}  // namespace harmony::network::detail
