// A fixed set of 65,536 bits stored as 1,024 64-bit words, with word-at-a-time search.
// Knows nothing of ports: the allocator gives the bits their meaning.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <optional>

namespace harmony::util {

inline constexpr std::uint32_t k_bit_count = 65536;
inline constexpr std::uint32_t k_word_count = k_bit_count / 64;
using Bits65536 = std::array<std::uint64_t, k_word_count>;

inline void set_bit(Bits65536& bits, std::uint32_t i) {
    bits[i >> 6] |= 1ULL << (i & 63);
}
inline void reset_bit(Bits65536& bits, std::uint32_t i) {
    bits[i >> 6] &= ~(1ULL << (i & 63));
}
inline bool test_bit(const Bits65536& bits, std::uint32_t i) {
    return ((bits[i >> 6] >> (i & 63)) & 1ULL) != 0;
}

// Mask of the bits of word `w` that lie inside [first, last].
inline std::uint64_t word_mask(std::uint32_t w, std::uint32_t first, std::uint32_t last) {
    std::uint32_t lo = w * 64;
    std::uint32_t hi = lo + 63;
    if (last < lo || first > hi) {
        return 0;
    }
    std::uint32_t a = first > lo ? first - lo : 0;
    std::uint32_t b = last < hi ? last - lo : 63;
    std::uint64_t upto_b = b == 63 ? ~0ULL : ((1ULL << (b + 1)) - 1);
    return upto_b & ~((1ULL << a) - 1);
}

// Sets (value=true) or clears every bit in [first, last].
inline void assign_range(Bits65536& bits, std::uint32_t first, std::uint32_t last, bool value) {
    for (std::uint32_t w = first >> 6; w <= (last >> 6); ++w) {
        std::uint64_t m = word_mask(w, first, last);
        bits[w] = value ? (bits[w] | m) : (bits[w] & ~m);
    }
}

// Number of set bits in words [first_word, last_word] (default: all).
inline std::uint32_t count_bits(const Bits65536& bits, std::uint32_t first_word = 0,
                                std::uint32_t last_word = k_word_count - 1) {
    std::uint32_t n = 0;
    for (std::uint32_t w = first_word; w <= last_word; ++w) {
        n += static_cast<std::uint32_t>(std::popcount(bits[w]));
    }
    return n;
}

// Position of the k-th set bit (k counted from 0) at or after word `first_word`.
// Precondition: k < the number of set bits from `first_word` on.
inline std::uint32_t select_bit(const Bits65536& bits, std::uint32_t k,
                                std::uint32_t first_word = 0) {
    for (std::uint32_t w = first_word; w < k_word_count; ++w) {
        auto n = static_cast<std::uint32_t>(std::popcount(bits[w]));
        if (k < n) {
            std::uint64_t word = bits[w];
            for (std::uint32_t i = 0; i < k; ++i) {
                word &= word - 1;  // drop the lowest set bit k times
            }
            return w * 64 + static_cast<std::uint32_t>(std::countr_zero(word));
        }
        k -= n;
    }
    return k_bit_count;  // unreachable when the precondition holds
}

// First position p in [first, last] whose bit is set in word_at(p / 64), or nullopt.
// `word_at` computes a word on the fly, so callers can combine several sets without copying.
template <typename WordAt>
std::optional<std::uint32_t> find_first_set(WordAt&& word_at, std::uint32_t first,
                                            std::uint32_t last) {
    if (first > last) {
        return std::nullopt;
    }
    for (std::uint32_t w = first >> 6; w <= (last >> 6); ++w) {
        std::uint64_t word = word_at(w) & word_mask(w, first, last);
        if (word != 0) {
            return w * 64 + static_cast<std::uint32_t>(std::countr_zero(word));
        }
    }
    return std::nullopt;
}

}  // namespace harmony::util
