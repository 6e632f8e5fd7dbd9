// hp_error and hp_status: the C++ library's errors as the C ABI hands them out.
#include <cstring>

#include <fmt/format.h>

#include <harmony/network/version.hpp>

#include "capi/handles.hpp"
#include "util/printable.hpp"

namespace harmony::capi {
namespace {

constexpr int k_last_status = HP_LOCK_TIMEOUT;
constexpr int k_last_hint = HP_HINT_RESTORE_STORE;
// The header's numbers are the library's: a code or hint added on one side must be added on
// the other.
static_assert(static_cast<int>(ErrorCode::lock_timeout) + 1 == k_last_status);
static_assert(static_cast<int>(network::HintKind::restore_store) == k_last_hint);
static_assert(static_cast<int>(network::Severity::error) == HP_SEVERITY_ERROR);
static_assert(static_cast<int>(network::Protocols::tcp_udp) == HP_TCP_UDP);

// Handed out when not even an hp_error can be allocated; hp_error_free leaves it alone.
hp_error g_out_of_memory{Error{ErrorCode::io_error, "out of memory"}};

// The int a C caller stored in a C enum. C may store any int there, but in C++ a value
// outside the enumerators' range is undefined behaviour once loaded as the enum: read the
// bytes instead.
template <typename CEnum>
int raw_value(const CEnum& value) noexcept {
    static_assert(sizeof(CEnum) == sizeof(int), "C enums are int-sized on this ABI");
    int raw = 0;
    std::memcpy(&raw, &value, sizeof raw);
    return raw;
}

ErrorCode code_of(int status) noexcept {
    return static_cast<ErrorCode>(status - 1);
}

}  // namespace

hp_status status_of(ErrorCode code) noexcept {
    return static_cast<hp_status>(static_cast<int>(code) + 1);
}

hp_status finish(const Expected<void>& result, hp_error** error) noexcept {
    if (result) {
        return HP_OK;
    }
    const hp_status status = status_of(result.error().code);
    if (error != nullptr) {
        try {
            *error = new hp_error{result.error()};
        } catch (...) {
            *error = &g_out_of_memory;
        }
    }
    return status;
}

hp_status out_of_memory(hp_error** error) noexcept {
    if (error != nullptr) {
        *error = &g_out_of_memory;
    }
    return HP_IO_ERROR;
}

Error internal_error(std::string_view what) {
    return Error{ErrorCode::io_error,
                 fmt::format("internal error: {}", util::printable_text(what, 200))};
}

}  // namespace harmony::capi

using harmony::capi::code_of;
using harmony::capi::g_out_of_memory;
using harmony::capi::raw_value;

extern "C" {

hp_status hp_error_code(const hp_error* error) {
    return error == nullptr ? HP_INVALID_ARGUMENT : harmony::capi::status_of(error->error.code);
}

const char* hp_error_message(const hp_error* error) {
    return error == nullptr ? "" : error->error.message.c_str();
}

hp_hint hp_error_hint(const hp_error* error) {
    return error == nullptr ? HP_HINT_NONE : static_cast<hp_hint>(error->error.hint.kind);
}

const char* hp_error_hint_subject(const hp_error* error) {
    return error == nullptr ? "" : error->error.hint.subject.c_str();
}

void hp_error_free(hp_error* error) {
    if (error != &g_out_of_memory) {
        delete error;
    }
}

const char* hp_status_name(hp_status status) {
    const int raw = raw_value(status);
    if (raw == HP_OK) {
        return "ok";
    }
    if (raw < HP_OK || raw > harmony::capi::k_last_status) {
        return "unknown";
    }
    // The names are string literals: their data is NUL-terminated.
    return harmony::network::to_string(code_of(raw)).data();
}

int hp_status_exit_code(hp_status status) {
    const int raw = raw_value(status);
    if (raw == HP_OK) {
        return 0;
    }
    if (raw < HP_OK || raw > harmony::capi::k_last_status) {
        return 3;
    }
    return harmony::network::exit_code_for(code_of(raw));
}

const char* hp_hint_name(hp_hint hint) {
    const int raw = raw_value(hint);
    if (raw < HP_HINT_NONE || raw > harmony::capi::k_last_hint) {
        return "unknown";
    }
    return harmony::network::to_string(static_cast<harmony::network::HintKind>(raw)).data();
}

const char* hp_version(void) {
    return harmony::network::k_version.data();
}

}  // extern "C"
