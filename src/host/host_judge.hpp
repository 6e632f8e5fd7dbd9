// The one judgment of a host's sockets and port settings, wherever they were read: here
// (check_host) or in a fleet host's report (check_fleet).
#pragma once

#include <string_view>
#include <vector>

#include <harmony/network/host_check.hpp>

namespace harmony::network::detail {

// check_host's findings for the host named `host`: empty for this host (messages say "this
// host"); otherwise every message starts with "host NAME: " and every finding carries the
// name in Finding::host. Most severe first.
std::vector<Finding> judge_host(const Registry& registry, const std::vector<ScanRow>& rows,
                                const ScanResult& scan, const HostFacts& facts,
                                std::string_view host);

}  // namespace harmony::network::detail
