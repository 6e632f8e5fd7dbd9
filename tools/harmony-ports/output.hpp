// Everything the CLI prints goes to stdout or stderr through here, so a failed write (a full
// disk, /dev/full, a closed pipe) is never a silent success: finish_output() makes it exit 3.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <harmony/network/hint.hpp>

namespace harmony::cli {

// How the rest of the run prints, set once the options are read.
enum class ColorMode { automatic, always, never };
struct OutputMode {
    bool quiet = false;  // -q: nothing on stdout, nothing on stderr but errors
    ColorMode color = ColorMode::automatic;
};
void set_output_mode(OutputMode mode);

// True when colour is on: --color=always; never for --color=never; otherwise when standard
// output is a terminal, NO_COLOR is unset or empty and TERM is not "dumb".
bool color_enabled();

// True under -q/--quiet.
bool quiet();

// Writes `text` to standard output (nothing under -q); a failure is remembered for finish_output().
void write_out(std::string_view text);

// fmt::format(...) written to standard output.
template <typename... Args>
void print_out(fmt::format_string<Args...> format, Args&&... args) {
    write_out(fmt::format(format, std::forward<Args>(args)...));
}

// Flushes standard output now, so a long-running command's lines are seen as they come; a
// failure is remembered for finish_output().
void flush_out();

// Writes "harmony-ports: LABEL: TEXT" to standard error (under -q only for label "error"), each
// line of TEXT made terminal-safe (controls escaped, UTF-8 kept); a failure is remembered for
// finish_output().
void print_err(std::string_view label, std::string_view text);

// Writes `text` as it is to standard error (callers make it safe: JSON, escaped lines); a
// failure is remembered for finish_output().
void write_err(std::string_view text);

// Says what stays true when standard output fails after this point: `done`, what the command
// did for good ("released web (25010/tcp)": the message becomes "DONE but could not print it:
// REASON"), and/or a remedy (HintKind::show_allocation) that finish_output() adds to it.
void note_durable_change(std::string done, network::Hint hint = {});

// Flushes standard output. Returns `code` when every byte reached its file; otherwise prints
// "harmony-ports: error: cannot write to standard output: REASON[; HINT]" (or, after a noted
// change, "harmony-ports: error: DONE but could not print it: REASON") when standard error still
// works, and returns 3. Called once, when a command is done.
int finish_output(int code);

}  // namespace harmony::cli
