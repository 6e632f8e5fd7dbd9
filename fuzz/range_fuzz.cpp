// Fuzzes PortRange::parse on arbitrary bytes.
// Invariants: no crash/UB/leak; a parsed range has first <= last, and its to_string() parses
// back to the same range.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <harmony/network/port_range.hpp>

using harmony::network::PortRange;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto range = PortRange::parse(text);
    if (!range) {
        return 0;
    }
    if (range->first > range->last) {
        __builtin_trap();
    }
    auto again = PortRange::parse(range->to_string());
    if (!again || *again != *range) {
        __builtin_trap();
    }
    return 0;
}
