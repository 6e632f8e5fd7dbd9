// The CLI's words for a library Hint: the remedy as this tool's commands and flags.
#pragma once

#include <string>

#include <harmony/network/hint.hpp>

namespace harmony::cli {

using network::Hint;

// What to do, in harmony-ports' own words ("register it: harmony-ports allocate NAME --port
// 25010"); "" for HintKind::none. The subject is made printable.
std::string hint_text(const Hint& hint);

}  // namespace harmony::cli
