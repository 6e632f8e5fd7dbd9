// Fuzzes the /proc/locks reader (who holds the registry lock) on arbitrary text. Invariants:
// no crash/UB/leak; a holder found is a positive pid that appears in the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <harmony/network/registry_lock.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    // The device and inode the seeds name, so matching lines are reachable.
    const int pid = harmony::network::find_flock_holder(text, 0xfd, 0x01, 123456);
    if (pid < 0 || (pid > 0 && text.find(std::to_string(pid)) == std::string_view::npos)) {
        __builtin_trap();
    }
    return 0;
}
