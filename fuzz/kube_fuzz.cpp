// Fuzzes the kubectl JSON reader and the check on what it accepts. Invariants: no
// crash/UB/leak (nlohmann's exceptions must not escape); errors name the file; every port
// found is 1-65535.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <harmony/network/kube.hpp>

using namespace harmony::network;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto ports = parse_kube_objects(text, "k.json");
    if (!ports) {
        if (ports.error().message.rfind("k.json", 0) != 0) {
            __builtin_trap();
        }
        return 0;
    }
    for (const auto& p : *ports) {
        if (p.port == 0) {
            __builtin_trap();
        }
    }
    static const Registry registry = adr014_default_registry();
    (void)check_kube(registry, *ports);
    return 0;
}
