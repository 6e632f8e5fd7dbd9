// The README's RegistryStore program: open the registry found from a folder, allocate, save.
// Usage: store_example [FOLDER] — prints "ntfy -> PORT (stored in FILE)".
#include <cstdio>

#include <harmony/network/registry_store.hpp>

namespace {

int report(const harmony::network::Error& error) {
    std::fprintf(stderr, "%s\n", error.message.c_str());
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    // The five lines the README shows (starting from FOLDER instead of the working folder).
    auto store = harmony::network::FileRegistryStore::open({.start = argc > 1 ? argv[1] : ""});
    if (!store)
        return report(store.error());
    auto port = store->update([](auto& ports) { return ports.allocate("ntfy"); });
    if (!port)
        return report(port.error());
    std::printf("ntfy -> %s (stored in %s)\n", port->to_string().c_str(), store->label().c_str());
    return 0;
}
