// The merge driver's core on arbitrary registries: the input is three TOML registries (base,
// ours, theirs) separated by lines "@@@". Whenever all three load, the merge must give a
// registry that renders and loads back (never a duplicate), keep a side that the other left
// as the base, and merge identical sides to themselves.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <harmony/network/registry_file.hpp>
#include <harmony/network/registry_merge.hpp>

namespace {

using namespace harmony::network;

[[noreturn]] void violated(const char* what, const std::string& detail) {
    std::fprintf(stderr, "merge: %s\n%s\n", what, detail.c_str());
    __builtin_trap();
}

std::string canonical(Registry r) {
    canonicalize(r);
    return render_registry(r, RegistryFormat::toml);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    Registry sides[3];
    for (int i = 0; i < 3; ++i) {
        std::size_t cut = i < 2 ? text.find("\n@@@\n") : text.size();
        if (cut == std::string_view::npos) {
            return 0;
        }
        auto r = parse_registry(text.substr(0, cut), RegistryFormat::toml, "side", k_adr014_range);
        if (!r) {
            return 0;
        }
        sides[i] = std::move(*r);
        text.remove_prefix(i < 2 ? cut + 5 : text.size());
    }
    auto m = merge_registries(sides[0], sides[1], sides[2]);
    std::string merged = render_registry(m.merged, RegistryFormat::toml);
    auto back = parse_registry(merged, RegistryFormat::toml, "merged", k_adr014_range);
    if (!back) {
        violated("the merged registry does not load", back.error().message + "\n" + merged);
    }
    if (canonical(merge_registries(sides[0], sides[1], sides[0]).merged) != canonical(sides[1])) {
        violated("theirs unchanged: the result must be ours", canonical(sides[1]));
    }
    if (canonical(merge_registries(sides[0], sides[0], sides[2]).merged) != canonical(sides[2])) {
        violated("ours unchanged: the result must be theirs", canonical(sides[2]));
    }
    return 0;
}
