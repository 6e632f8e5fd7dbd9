// The deterministic rule's exclusion set as a bitmap (internal: the public face is
// is_registered_or_known in known_ports.hpp).
#pragma once

#include "util/bits65536.hpp"

namespace harmony::network {

// Bit p is set when port p is IANA-assigned (any transport) or a known-software default.
const util::Bits65536& registered_or_known_bits() noexcept;

}  // namespace harmony::network
