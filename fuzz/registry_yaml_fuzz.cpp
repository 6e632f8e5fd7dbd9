// Fuzzes parse_registry_lenient on YAML registry text (range 25000-25999).
// Invariant: no crash/UB/leak, and every accepted registry round-trips: render_registry(yaml)
// parses back and renders to identical bytes (the canonical writer never produces text the
// reader rejects).
#include "registry_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return harmony_fuzz::registry_round_trip(data, size, harmony::network::RegistryFormat::yaml,
                                             "fuzz.yaml");
}
