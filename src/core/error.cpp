#include <harmony/network/error.hpp>

namespace harmony::network {

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
