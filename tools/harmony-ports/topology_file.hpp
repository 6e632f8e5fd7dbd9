// Reading the --topology file a command names.
#pragma once

#include <string>

#include <harmony/network/topology.hpp>

namespace harmony::cli {

// Reads and parses a topology file. Errors name the file (and line:col where there is one).
harmony::network::Expected<harmony::network::Topology> read_topology(const std::string& path);

}  // namespace harmony::cli
