// Fuzzes parse_harmony_config on harmony.toml text.
// Invariants: no crash/UB/leak; an accepted range has first <= last, and the harmony.toml
// that `init` writes for it (render_harmony_config) reads back as the same range.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <harmony/network/registry_file.hpp>

using namespace harmony::network;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto range = parse_harmony_config(text, "harmony.toml");
    if (!range) {
        return 0;
    }
    if (range->first > range->last) {
        __builtin_trap();
    }
    auto again = parse_harmony_config(render_harmony_config(*range), "harmony.toml");
    if (!again || *again != *range) {
        __builtin_trap();
    }
    return 0;
}
