// Differential fuzzing of the fast canonical-TOML reader against toml++: whenever the fast
// reader accepts an input, toml++ must accept it too and build the identical tree (kinds, keys,
// values, positions). Declining is always allowed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "registry/doc_node.hpp"
#include "registry/toml_fast.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto fast = harmony::network::detail::parse_canonical_toml(text);
    if (!fast) {
        return 0;
    }
    auto full = harmony::network::detail::parse_toml_with_tomlplusplus(text, "fuzz.toml");
    if (!full) {
        std::fprintf(stderr, "fast reader accepted what toml++ rejects: %s\n",
                     full.error().message.c_str());
        __builtin_trap();
    }
    if (!harmony::network::detail::same_document(*fast, *full)) {
        std::fprintf(stderr, "fast reader and toml++ disagree\n");
        __builtin_trap();
    }
    return 0;
}
