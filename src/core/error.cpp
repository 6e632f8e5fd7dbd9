#include <harmony/network/error.hpp>

#include <fmt/format.h>

namespace harmony::network {

Error error_at(ErrorCode code, ErrorPosition where, std::string_view what, Hint hint) {
    if (where.line <= 0) {
        return Error{code, fmt::format("{}: {}", where.file, what), std::move(hint)};
    }
    std::string message = fmt::format("{}:{}:{}: {}", where.file, where.line, where.column, what);
    return Error{code, std::move(message), std::move(hint), std::move(where)};
}

int exit_code_for(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_argument:
        case ErrorCode::parse_error:
        case ErrorCode::invalid_registry:
        case ErrorCode::file_not_found:
            return 2;
        case ErrorCode::not_found:
        case ErrorCode::conflict:
        case ErrorCode::exhausted:
        case ErrorCode::already_exists:
            return 1;
        case ErrorCode::permission_denied:
        case ErrorCode::io_error:
        case ErrorCode::untrusted:
        case ErrorCode::lock_timeout:
            return 3;
    }
    return 3;
}

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_argument:
            return "invalid-argument";
        case ErrorCode::parse_error:
            return "parse-error";
        case ErrorCode::invalid_registry:
            return "invalid-registry";
        case ErrorCode::not_found:
            return "not-found";
        case ErrorCode::conflict:
            return "conflict";
        case ErrorCode::exhausted:
            return "exhausted";
        case ErrorCode::already_exists:
            return "already-exists";
        case ErrorCode::permission_denied:
            return "permission-denied";
        case ErrorCode::io_error:
            return "io-error";
        case ErrorCode::file_not_found:
            return "file-not-found";
        case ErrorCode::untrusted:
            return "untrusted";
        case ErrorCode::lock_timeout:
            return "lock-timeout";
    }
    return "io-error";
}

}  // namespace harmony::network
