// Test-only: writes the HTML map of a registry file, with the findings of a check, until the
// CLI's `map --html` can do it.
//
//   write_map_html REGISTRY OUT.html [FIRST-LAST]
#include <harmony/network/check.hpp>
#include <harmony/network/port_map.hpp>
#include <harmony/network/registry_store.hpp>

#include <fstream>
#include <iostream>
#include <string>

namespace hn = harmony::network;

namespace {

int fail(const std::string& what) {
    std::cerr << "write_map_html: " << what << '\n';
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3 || argc > 4) {
        return fail("usage: write_map_html REGISTRY OUT.html [FIRST-LAST]");
    }
    hn::PortMapInput input;
    if (argc == 4) {
        auto shown = hn::PortRange::parse(argv[3]);
        if (!shown) {
            return fail(shown.error().message);
        }
        input.shown = *shown;
    }
    auto store = hn::FileRegistryStore::open({.registry = argv[1]});
    if (!store) {
        return fail(store.error().message);
    }
    // check_store reads leniently: two allocations on one port become an error finding.
    auto checked = hn::check_store(*store, hn::CheckOptions{});
    if (!checked) {
        return fail(checked.error().message);
    }
    input.findings = std::move(checked->findings);
    auto map = hn::build_port_map(checked->registry, std::move(input));
    if (!map) {
        return fail(map.error().message);
    }
    std::ofstream out(argv[2], std::ios::binary);
    out << hn::render_map_html(*map, store->label());
    out.close();
    if (!out) {
        return fail(std::string("cannot write ") + argv[2]);
    }
    return 0;
}
