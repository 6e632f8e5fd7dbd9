// Shared body of the registry fuzzers: lenient parse, and for accepted input the round-trip
// invariant render -> parse -> render (the second parse must succeed and the two renderings
// must be byte-identical). A violation prints both texts and calls __builtin_trap().
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <harmony/network/registry_file.hpp>

namespace harmony_fuzz {

inline void dump(const char* label, std::string_view text) {
    std::fprintf(stderr, "==== %s (%zu bytes) ====\n%.*s\n==== end ====\n", label, text.size(),
                 static_cast<int>(text.size()), text.data());
}

inline int registry_round_trip(const std::uint8_t* data, std::size_t size,
                               harmony::network::RegistryFormat format, std::string_view file) {
    using namespace harmony::network;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto first = parse_registry_lenient(text, format, file, k_adr014_range);
    if (!first) {
        return 0;
    }
    const std::string rendered = render_registry(first->registry, format);
    auto second = parse_registry_lenient(rendered, format, file, k_adr014_range);
    if (!second) {
        std::fprintf(stderr, "round trip: the canonical rendering does not parse back:\n%s\n",
                     second.error().message.c_str());
        dump("rendered", rendered);
        __builtin_trap();
    }
    const std::string again = render_registry(second->registry, format);
    if (again != rendered) {
        std::fprintf(stderr, "round trip: rendering is not stable across parse/render\n");
        dump("first rendering", rendered);
        dump("second rendering", again);
        __builtin_trap();
    }
    return 0;
}

}  // namespace harmony_fuzz
