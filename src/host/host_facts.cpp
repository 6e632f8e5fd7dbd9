#include <harmony/network/host_facts.hpp>

#include <cstdio>

#include <fmt/format.h>

#include <harmony/network/registry_file.hpp>

namespace harmony::network {

HostFacts read_host_facts() {
    HostFacts facts;
    if (auto text = read_file("/proc/sys/net/ipv4/ip_local_port_range")) {
        unsigned first = 0, last = 0;
        if (std::sscanf(text->c_str(), "%u %u", &first, &last) == 2 && first <= last &&
            last <= 65535) {
            facts.linux_ephemeral = PortRange{static_cast<Port>(first), static_cast<Port>(last)};
        }
    }
    if (auto text = read_file("/proc/sys/net/ipv4/ip_local_reserved_ports")) {
        if (auto list = parse_port_list(*text)) {
            facts.reserved = std::move(*list);
        }
    }
    return facts;
}

Expected<std::vector<PortRange>> parse_port_list(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    std::vector<PortRange> out;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        auto item = PortRange::parse(text.substr(0, comma));
        if (!item) {
            return fail(ErrorCode::invalid_argument,
                        fmt::format("port list: {}", item.error().message));
        }
        out.push_back(*item);
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
        if (text.empty()) {
            return fail(ErrorCode::invalid_argument, "port list: ends with ','");
        }
    }
    return out;
}

bool covers(const std::vector<PortRange>& list, const PortRange& range) {
    // Walk the range forward, each step jumping past a list item that holds the next port.
    std::uint32_t next = range.first;
    bool moved = true;
    while (next <= range.last && moved) {
        moved = false;
        for (const auto& item : list) {
            if (item.contains(static_cast<Port>(next))) {
                next = std::uint32_t{item.last} + 1;
                moved = true;
            }
        }
    }
    return next > range.last;
}

}  // namespace harmony::network
