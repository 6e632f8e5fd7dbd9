// Errors under --json: one JSON object on standard error instead of "harmony-ports: error:"
// lines, so a script that asked for JSON can read a failure as data too.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include <harmony/network/error.hpp>

namespace harmony::cli {

// From now on report() prints errors as error_json() (on) or as text (off, the default).
void set_json_errors(bool on);

// True when errors are printed as JSON.
bool json_errors();

// True when the sub-command `app` ran (or any sub-command below it) was given --json.
bool given_json(const CLI::App& app);

// {"error":{"code","message"[,"hint"][,"file","line","column"]}} and a newline: `code` is
// to_string(error.code), each line of the message made terminal-safe, the hint in the CLI's
// words, the position only when the error has one.
std::string error_json(const network::Error& error);

}  // namespace harmony::cli
