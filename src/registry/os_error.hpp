// OS errors become Error here and nowhere else.
#pragma once

#include <filesystem>
#include <string_view>

#include <harmony/network/error.hpp>

namespace harmony::network::detail {

// An Error for errno `err` while `doing` something to `path`: EACCES/EPERM/EROFS are
// permission_denied, ENOENT file_not_found, anything else io_error.
Error os_error(int err, const std::filesystem::path& path, std::string_view doing);

// The path as a message shows it: printable, so a hostile name cannot reach a terminal raw.
std::string shown(const std::filesystem::path& path);

}  // namespace harmony::network::detail
