// Fuzzes the topology reader, then the checker and the C++ export on whatever it accepts.
// Invariants: no crash/UB/leak; errors carry "FILE:" positions; every finding of an accepted
// topology names a cluster.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <harmony/network/export.hpp>
#include <harmony/network/topology.hpp>

using namespace harmony::network;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto topology = parse_topology(text, "t.toml");
    if (!topology) {
        if (topology.error().message.rfind("t.toml:", 0) != 0) {
            __builtin_trap();
        }
        return 0;
    }
    static const Registry registry = adr014_default_registry();
    for (const auto& f : check_topology(registry, *topology, "t.toml")) {
        if (f.cluster.empty()) {
            __builtin_trap();
        }
    }
    (void)export_cpp(registry, "t", &*topology);
    return 0;
}
