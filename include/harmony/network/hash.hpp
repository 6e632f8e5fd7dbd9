// FNV-1a 64-bit: the hash the deterministic allocation rule starts from (product contract),
// also used for stable digests and identities in exports.
#pragma once

#include <cstdint>
#include <string_view>

namespace harmony::network {

// FNV-1a 64-bit hash (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of the bytes.
constexpr std::uint64_t fnv1a64(std::string_view bytes) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

}  // namespace harmony::network
