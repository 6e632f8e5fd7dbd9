// Reading a host's report back, strictly: the exact keys render_host_report writes, each value
// checked, every problem a parse_error naming the host and the field.
#include <harmony/network/host_report.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/json_document.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

using nlohmann::json;

// Longest text field a report may hold (addresses, process names after UTF-8 repair).
constexpr std::size_t k_max_text = 64;

// A problem at a field: thrown only inside this file (the walk below is one expression per
// field that way) and turned into a parse_error value by parse_host_report.
struct Bad {
    std::string what;
};

[[noreturn]] void bad(const std::string& at, std::string_view what) {
    throw Bad{fmt::format("{}: {}", at, what)};
}

const json& member(const json& object, const std::string& at, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) {
        bad(at, fmt::format("missing \"{}\"", key));
    }
    return *it;
}

// `j` must be an object with exactly `keys`.
void expect_keys(const json& j, const std::string& at, std::initializer_list<const char*> keys) {
    if (!j.is_object()) {
        bad(at, "expected an object");
    }
    for (const char* key : keys) {
        (void)member(j, at, key);
    }
    if (j.size() != keys.size()) {
        for (const auto& [key, value] : j.items()) {
            if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) ==
                keys.end()) {
                bad(at, fmt::format("unknown key \"{}\"", util::printable_text(key, 40)));
            }
        }
    }
}

std::int64_t integer(const json& j, const std::string& at, std::int64_t low, std::int64_t high) {
    if (!j.is_number_integer()) {
        bad(at, "expected an integer");
    }
    // Unsigned values above int64 are refused before they are read as signed.
    if (j.is_number_unsigned() &&
        j.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        bad(at, fmt::format("expected {}-{}", low, high));
    }
    const auto value = j.get<std::int64_t>();
    if (value < low || value > high) {
        bad(at, fmt::format("expected {}-{}", low, high));
    }
    return value;
}

std::string text(const json& j, const std::string& at) {
    if (!j.is_string()) {
        bad(at, "expected a string");
    }
    const auto& s = j.get_ref<const std::string&>();
    if (s.size() > k_max_text) {
        bad(at, fmt::format("longer than {} bytes", k_max_text));
    }
    return s;
}

PortRange range(const json& j, const std::string& at, Port low) {
    expect_keys(j, at, {"first", "last"});
    const auto first = static_cast<Port>(integer(j["first"], at + ".first", low, 65535));
    const auto last = static_cast<Port>(integer(j["last"], at + ".last", first, 65535));
    return {first, last};
}

Protocols protocol(const json& j, const std::string& at) {
    const std::string p = text(j, at);
    if (p != "tcp" && p != "udp") {
        bad(at, "expected \"tcp\" or \"udp\"");
    }
    return p == "tcp" ? Protocols::tcp : Protocols::udp;
}

int pid(const json& j, const std::string& at) {
    return static_cast<int>(integer(j, at, 0, std::numeric_limits<int>::max()));
}

Listener socket(const json& j, const std::string& at) {
    expect_keys(j, at,
                {"port", "protocol", "address", "inode", "uid", "pid", "process", "sharers"});
    Listener l;
    l.port = static_cast<Port>(integer(j["port"], at + ".port", 1, 65535));
    l.protocol = protocol(j["protocol"], at + ".protocol");
    l.address = text(j["address"], at + ".address");
    l.inode = static_cast<std::uint64_t>(
        integer(j["inode"], at + ".inode", 0, std::numeric_limits<std::int64_t>::max()));
    l.uid = static_cast<std::uint32_t>(
        integer(j["uid"], at + ".uid", 0, std::numeric_limits<std::uint32_t>::max()));
    l.pid = pid(j["pid"], at + ".pid");
    l.process = text(j["process"], at + ".process");
    const json& sharers = j["sharers"];
    if (!sharers.is_array()) {
        bad(at + ".sharers", "expected an array");
    }
    for (std::size_t i = 0; i < sharers.size(); ++i) {
        const std::string where = fmt::format("{}.sharers[{}]", at, i);
        expect_keys(sharers[i], where, {"pid", "process"});
        l.sharers.push_back({pid(sharers[i]["pid"], where + ".pid"),
                             text(sharers[i]["process"], where + ".process")});
    }
    return l;
}

HostFacts facts(const json& doc) {
    HostFacts f;
    if (const json& e = doc["ip_local_port_range"]; !e.is_null()) {
        f.linux_ephemeral = range(e, "ip_local_port_range", 0);
    }
    if (const json& r = doc["ip_local_reserved_ports"]; !r.is_null()) {
        if (!r.is_array()) {
            bad("ip_local_reserved_ports", "expected an array or null");
        }
        f.reserved.emplace();
        for (std::size_t i = 0; i < r.size(); ++i) {
            f.reserved->push_back(range(r[i], fmt::format("ip_local_reserved_ports[{}]", i), 0));
        }
    }
    return f;
}

HostReport report(const json& doc, std::string_view host) {
    expect_keys(
        doc, "report",
        {"schema", "host", "published_at", "interval", "range", "source", "ip_local_port_range",
         "ip_local_reserved_ports", "owners_unknown", "owners_other_users", "sockets"});
    if (integer(doc["schema"], "schema", 0, 1000) != k_host_report_schema) {
        bad("schema", fmt::format("expected {}", k_host_report_schema));
    }
    HostReport r;
    r.host = text(doc["host"], "host");
    if (r.host != host) {
        bad("host", fmt::format("the report names host '{}'", util::printable_text(r.host)));
    }
    auto published = parse_time(text(doc["published_at"], "published_at"));
    if (!published) {
        bad("published_at", published.error().message);
    }
    r.published_at = *published;
    r.interval = std::chrono::seconds(integer(
        doc["interval"], "interval", k_min_report_interval.count(), k_max_report_interval.count()));
    r.range = range(doc["range"], "range", 1);
    auto source = parse_scan_source(text(doc["source"], "source"));
    if (!source) {
        bad("source", source.error().message);
    }
    r.scan.source = *source;
    r.facts = facts(doc);
    const std::int64_t most = std::numeric_limits<std::int32_t>::max();
    r.scan.owners_unknown =
        static_cast<std::size_t>(integer(doc["owners_unknown"], "owners_unknown", 0, most));
    r.scan.owners_other_users =
        static_cast<std::size_t>(integer(doc["owners_other_users"], "owners_other_users", 0, most));
    const json& sockets = doc["sockets"];
    if (!sockets.is_array()) {
        bad("sockets", "expected an array");
    }
    for (std::size_t i = 0; i < sockets.size(); ++i) {
        r.scan.listeners.push_back(socket(sockets[i], fmt::format("sockets[{}]", i)));
    }
    return r;
}

}  // namespace

Expected<HostReport> parse_host_report(std::string_view json_text, std::string_view host) {
    if (auto ok = validate_host_name(host); !ok) {
        return std::unexpected(ok.error());
    }
    const std::string label = fmt::format("host {}", host);
    if (json_text.size() > k_max_host_report_bytes) {
        return fail(ErrorCode::parse_error,
                    fmt::format("{}: the report is larger than {} KiB, the most a report may hold",
                                label, k_max_host_report_bytes / 1024));
    }
    auto doc = detail::parse_json_document(json_text, label);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    try {
        return report(*doc, host);
    } catch (const Bad& e) {
        return fail(ErrorCode::parse_error, fmt::format("{}: {}", label, e.what));
    } catch (const json::exception& e) {
        return fail(ErrorCode::parse_error,
                    fmt::format("{}: {}", label, util::printable_text(e.what(), 120)));
    }
}

}  // namespace harmony::network
