// Fuzzes the fleet store's text inputs: the store URL parser and its redaction, and the decoding
// of bucket keys into the registry (fleet::materialize). The whole input is the URL; read as
// lines "KEY=VALUE" it is also the bucket ("!KEY=VALUE": a deleted key). Invariants: no
// crash/UB/leak (nlohmann's exceptions must not escape); a URL that parses with a password is
// never shown with it; a value the decoder refuses is invalid_registry.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <harmony/network/fleet_store.hpp>

#include "fleet/layout.hpp"

using namespace harmony::network;

namespace {

void fuzz_url(std::string_view text) {
    const std::string redacted = redact_store_url(text);
    auto url = parse_store_url(text);
    if (!url) {
        if (url.error().code != ErrorCode::invalid_argument) {
            __builtin_trap();
        }
        return;
    }
    if (url->servers.empty()) {
        __builtin_trap();
    }
    if (url->password.empty()) {
        return;
    }
    // Not a plain search for ":" + password + "@": the scheme's "://" can spell that too
    // ("tls://tok@x://tok@h": password "//tok"). The redacted URL itself must parse, with the
    // same user and the password replaced.
    auto shown = parse_store_url(redacted);
    if (!shown || shown->password != "***" || shown->user != url->user) {
        __builtin_trap();  // the password leaks into messages
    }
}

void fuzz_keys(std::string_view text) {
    fleet::RawMap raw;
    std::uint64_t revision = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        const auto equals = line.find('=');
        if (equals == std::string_view::npos) {
            continue;
        }
        std::string_view key = line.substr(0, equals);
        fleet::RawEntry entry;
        entry.deleted = key.starts_with('!');
        if (entry.deleted) {
            key.remove_prefix(1);
        }
        entry.value = std::string(line.substr(equals + 1));
        entry.revision = ++revision;
        entry.created_ns = static_cast<std::int64_t>(revision) * 1'000'000'000;
        raw.insert_or_assign(std::string(key), std::move(entry));
    }
    // Never fails on content: every bad key is a leftover that says what is wrong with it.
    const auto materialized = fleet::materialize(raw, "fuzz");
    for (const auto& left : materialized.leftovers) {
        if (left.kind == fleet::Leftover::Kind::invalid_key && left.problem.empty()) {
            __builtin_trap();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fuzz_url(text);
    fuzz_keys(text);
    return 0;
}
