// Errors as values: every fallible library call returns Expected<T>.
#pragma once

#include <expected>
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

// An error: a stable code plus a one-line message that already names the file,
// line:column, port and service involved where they exist.
// `hint`, when set, says what the caller could do about it (the caller words it).
struct Error {
    ErrorCode code;
    std::string message;
    Hint hint{};
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

// The process exit code the CLI uses for an error of this code: 1, 2 or 3 (see product contract).
int exit_code_for(ErrorCode code) noexcept;

// Stable kebab-case identifier of the code, e.g. "invalid-argument" (used in --json output).
std::string_view to_string(ErrorCode code) noexcept;

}  // namespace harmony::network
