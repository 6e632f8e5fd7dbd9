// Library version.
#pragma once

#include <string_view>

namespace harmony::network {

inline constexpr std::string_view k_version = "0.1.0";

}  // namespace harmony::network
