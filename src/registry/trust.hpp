// Whether a file found by walking up may be trusted, as git's safe.directory decides.
#pragma once

#include <filesystem>

#include <harmony/network/error.hpp>

namespace harmony::network::detail {

// Succeeds when `path` — every link on the way and the file it resolves to — is owned by the
// caller (effective uid) or root, and sits in a folder owned by them that others may not
// write to (a sticky bit protects a world-writable one). Error: untrusted, hint
// trust_explicitly, naming what is wrong.
Expected<void> require_trusted(const std::filesystem::path& path);

}  // namespace harmony::network::detail
