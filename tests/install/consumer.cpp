// An installed-library consumer: the C++23 API (std::expected) through the RegistryStore.
// Usage: consumer FOLDER — allocates "ntfy" in the registry found from FOLDER, prints the port.
#include <cstdio>
#include <expected>

#include <harmony/network/registry_store.hpp>
#include <harmony/network/version.hpp>

int main(int argc, char** argv) {
    if (argc != 2) {
        return 2;
    }
    auto store = harmony::network::FileRegistryStore::open({.start = argv[1]});
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    auto port = store->update([](auto& ports) { return ports.allocate("ntfy"); });
    if (!port) {
        std::fprintf(stderr, "%s\n", port.error().message.c_str());
        return 1;
    }
    std::printf("harmony-ports %s: ntfy -> %u\n", harmony::network::k_version.data(), port->first);
    return 0;
}
