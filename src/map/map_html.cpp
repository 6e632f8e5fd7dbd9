// Placeholder until the HTML page lands (branch html).
#include <harmony/network/port_map.hpp>

namespace harmony::network {

std::string render_map_html(const PortMap& map, std::string_view source) {
    return std::string(source) + port_map_json(map);
}

}  // namespace harmony::network
