// Errors as values: every fallible library call returns Expected<T>.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include <harmony/network/hint.hpp>

namespace harmony::network {

// Stable error codes. Each maps to one CLI exit code (see exit_code_for).
enum class ErrorCode {
    invalid_argument,   // bad name, bad range, bad option value          -> exit 2
    parse_error,        // malformed TOML/YAML/JSON                       -> exit 2
    invalid_registry,   // registry content breaks the rules              -> exit 2
    not_found,          // unknown service name, no registry to write     -> exit 1
    conflict,           // pinned port taken, name already placed elsewhere -> exit 1
    exhausted,          // no free port/block left in the pool            -> exit 1
    already_exists,     // init over an existing file without --force     -> exit 1
    permission_denied,  // EACCES/EPERM/EROFS, read-only registry          -> exit 3
    io_error,           // any other OS failure                           -> exit 3
    file_not_found,     // an input file that must exist does not        -> exit 2
    untrusted,          // a discovered file owned by someone else        -> exit 3
    lock_timeout,       // the registry lock stayed held past the timeout -> exit 3
};

// Where in an input an error is: the file's label (a path, or "<stdin>") and the 1-based
// line and column.
struct ErrorPosition {
    std::string file;
    int line = 0;
    int column = 0;
};

// An error: a stable code plus a one-line message that already names the file,
// line:column, port and service involved where they exist.
// `hint`, when set, says what the caller could do about it (the caller words it).
// `position`, when set, is the input position the message starts with (for --json output).
struct Error {
    ErrorCode code;
    std::string message;
    Hint hint{};
    std::optional<ErrorPosition> position{};
};

template <typename T>
using Expected = std::expected<T, Error>;

// Builds the unexpected value for `return fail(...)` in functions returning Expected<T>.
inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
    return std::unexpected<Error>(Error{code, std::move(message)});
}

// The same, with a remedy for the caller to word.
inline std::unexpected<Error> fail(ErrorCode code, std::string message, Hint hint) {
    return std::unexpected<Error>(Error{code, std::move(message), std::move(hint)});
}

// An error at a place in an input: message "FILE:LINE:COL: WHAT" with `position` set, or
// "FILE: WHAT" without a position when `where.line` is 0 (unknown).
Error error_at(ErrorCode code, ErrorPosition where, std::string_view what, Hint hint = {});

// The unexpected value of error_at(...), for `return fail_at(...)`.
inline std::unexpected<Error> fail_at(ErrorCode code, ErrorPosition where, std::string_view what,
                                      Hint hint = {}) {
    return std::unexpected<Error>(error_at(code, std::move(where), what, std::move(hint)));
}

// The process exit code the CLI uses for an error of this code: 1, 2 or 3 (see product contract).
int exit_code_for(ErrorCode code) noexcept;

// Stable kebab-case identifier of the code, e.g. "invalid-argument" (used in --json output).
std::string_view to_string(ErrorCode code) noexcept;

}  // namespace harmony::network
