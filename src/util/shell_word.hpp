// A word of a command line the program suggests, quoted so that pasting the line is safe.
#pragma once

#include <string>
#include <string_view>

namespace harmony::util {

// `text` as one POSIX sh word on one printable line: left bare when it is non-empty and holds
// only [A-Za-z0-9_./:=@%+,-], else between single quotes with each ' written '\'' (so $, `,
// \, ;, spaces and globs are inert). Control bytes, ill-formed UTF-8 and invisible or
// reordering characters cannot be carried safely: they are shown escaped as terminal_safe
// shows them (\xNN, \u{XXXX}) inside the quotes, so the line never holds a raw newline or
// control byte. Such a word no longer names the original text, but running it is harmless.
std::string shell_word(std::string_view text);

}  // namespace harmony::util
