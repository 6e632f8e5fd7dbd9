// A path the caller names as a registry file: a folder gets a hint, anything else that is not
// a regular file is refused; a missing file is fine (init creates it).
#pragma once

#include <filesystem>

#include <harmony/network/error.hpp>

namespace harmony::network::detail {

// Errors: invalid_argument, hint name_registry_file for a folder.
Expected<void> require_registry_file_path(const std::filesystem::path& path);

}  // namespace harmony::network::detail
