#include "topology_file.hpp"

#include <harmony/network/registry_file.hpp>

namespace harmony::cli {

harmony::network::Expected<harmony::network::Topology> read_topology(const std::string& path) {
    auto text = harmony::network::read_file(path);
    if (!text) {
        return std::unexpected(text.error());
    }
    return harmony::network::parse_topology(*text, path);
}

}  // namespace harmony::cli
