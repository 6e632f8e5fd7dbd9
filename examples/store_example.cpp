// The README's RegistryStore program: open the registry found from a folder, allocate, save.
// Usage: store_example [FOLDER] — prints "ntfy -> PORT (stored in FILE)".
#include <cstdio>

#include <harmony/network/registry_store.hpp>

int main(int argc, char** argv) {
    using namespace harmony::network;
    // --- the five lines the README shows ---
    auto store = FileRegistryStore::open({.start = argc > 1 ? argv[1] : ""});
    if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
    auto port = store->update([](PortAllocator& ports) { return ports.allocate("ntfy"); });
    if (!port) return std::fprintf(stderr, "%s\n", port.error().message.c_str()), 1;
    std::printf("ntfy -> %s (stored in %s)\n", port->to_string().c_str(), store->label().c_str());
    // ---
    return 0;
}
