// The CLI's words for a library Hint: the remedy in this tool's commands and flags.
#pragma once

#include <string>

#include <harmony/network/hint.hpp>

namespace harmony::cli {

using network::Hint;

// What to do, in harmony-ports' own words, written to follow "MESSAGE; " ("pass --force to
// overwrite it"); "" for HintKind::none. The subject is written as one shell word
// (util::shell_word: quoted when needed, printable, one line), so a command can be pasted.
std::string hint_text(const Hint& hint);

}  // namespace harmony::cli
