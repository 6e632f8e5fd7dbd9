#include <harmony/network/service_name.hpp>

#include <fmt/format.h>

#include "util/printable.hpp"

namespace harmony::network {
namespace {

constexpr std::size_t k_max_name_length = 63;

bool is_alnum_lower(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

Expected<void> validate_service_name(std::string_view name) {
    auto reject = [&](std::string_view why) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid service name '{}': {}", util::printable_text(name), why));
    };
    if (name.empty()) {
        return reject("must not be empty");
    }
    if (name.size() > k_max_name_length) {
        return reject(
            fmt::format("{} characters, at most {} allowed", name.size(), k_max_name_length));
    }
    for (char c : name) {
        if (c >= 'A' && c <= 'Z') {
            return reject("upper case is not allowed (use a-z, 0-9, '-', '.')");
        }
        if (!is_alnum_lower(c) && c != '-' && c != '.') {
            return reject("only a-z, 0-9, '-' and '.' are allowed");
        }
    }
    if (!is_alnum_lower(name.front()) || !is_alnum_lower(name.back())) {
        return reject("must start and end with a letter or digit");
    }
    return {};
}

}  // namespace harmony::network

namespace harmony::network {

Expected<void> validate_free_text(std::string_view field, std::string_view text) {
    constexpr std::size_t k_max_text = 4096;
    if (text.size() > k_max_text) {
        return fail(
            ErrorCode::invalid_argument,
            fmt::format("{} is {} bytes long, at most {} allowed", field, text.size(), k_max_text));
    }
    if (text.find('\0') != std::string_view::npos) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("{} must not contain a NUL byte", field));
    }
    if (!util::is_valid_utf8(text)) {
        return fail(ErrorCode::invalid_argument, fmt::format("{} is not valid UTF-8", field));
    }
    return {};
}

Expected<void> validate_process_name(std::string_view name) {
    constexpr std::size_t k_comm_length = 15;  // TASK_COMM_LEN - 1
    auto ok_char = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '+' || c == ':' || c == '@' || c == '/' || c == '-';
    };
    bool good = !name.empty() && name.size() <= k_comm_length;
    for (char c : name) {
        good = good && ok_char(c);
    }
    if (!good) {
        return fail(ErrorCode::invalid_argument,
                    fmt::format("invalid process name '{}': 1-15 characters of A-Z a-z 0-9 . _ + "
                                ": @ / -",
                                util::printable_text(name)));
    }
    return {};
}

}  // namespace harmony::network
