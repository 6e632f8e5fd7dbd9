// Service names: DNS-label style, as Kubernetes names are.
#pragma once

#include <string_view>

#include <harmony/network/error.hpp>

namespace harmony::network {

// Accepts 1-63 characters of a-z 0-9 '-' '.', starting and ending with a letter or digit.
// Anything else is invalid_argument with a message that says which rule the name breaks.
// Every name passes through here before it can reach a registry or a generated file.
Expected<void> validate_service_name(std::string_view name);

}  // namespace harmony::network

namespace harmony::network {

// Free text (owner, notes): valid UTF-8, no NUL byte, at most 4096 bytes. Any other character,
// quotes and newlines included, is allowed: every writer and export escapes it for its format.
// `field` names the field in the message. Error: invalid_argument.
Expected<void> validate_free_text(std::string_view field, std::string_view text);

// Expected process name (Linux comm): 1-15 characters of A-Z a-z 0-9 . _ + : @ / -.
// Error: invalid_argument.
Expected<void> validate_process_name(std::string_view name);

}  // namespace harmony::network
