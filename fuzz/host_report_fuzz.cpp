// Fuzzes the host-report reader and the fleet check on what it accepts. Invariants: no
// crash/UB/leak (nlohmann's exceptions must not escape); errors name the host; an accepted
// report renders to a document that reads back to the same rendering.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <harmony/network/fleet_check.hpp>
#include <harmony/network/host_report.hpp>

using namespace harmony::network;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto report = parse_host_report(text, "node-1");
    if (!report) {
        if (report.error().message.rfind("host node-1", 0) != 0) {
            __builtin_trap();
        }
        return 0;
    }
    const std::string rendered = render_host_report(*report);
    auto again = parse_host_report(rendered, "node-1");
    if (!again || render_host_report(*again) != rendered) {
        __builtin_trap();
    }
    static const Registry registry = adr014_default_registry();
    (void)check_fleet(registry, {*report}, report->published_at, nullptr);
    return 0;
}
