// The C ABI's handles and the helpers every hp_ function uses: argument checks and the
// boundary that turns errors and exceptions into an hp_status.
#pragma once

#include <harmony_ports.h>

#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/allocator.hpp>
#include <harmony/network/check.hpp>
#include <harmony/network/error.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/registry_store.hpp>

struct hp_error {
    harmony::network::Error error;
};

// One mutex per handle: the header promises handles may be shared between threads.
struct hp_allocator {
    std::mutex mutex;
    harmony::network::PortAllocator ports;
};

struct hp_registry {
    std::mutex mutex;
    std::unique_ptr<harmony::network::RegistryStore> store;  // the file or the fleet store
    std::string label;                                       // the store's, kept for C
};

struct hp_allocations {
    std::vector<harmony::network::Allocation> owned;
    std::vector<hp_allocation> views;  // point into `owned`
};

struct hp_findings {
    std::vector<harmony::network::Finding> owned;
    std::vector<hp_finding> views;  // point into `owned`
};

namespace harmony::capi {

using network::Error;
using network::ErrorCode;
using network::Expected;

// The status of `code` (ErrorCode + 1).
hp_status status_of(ErrorCode code) noexcept;

// HP_OK for a value; otherwise the error's status, with a new hp_error in *error when error is
// not NULL (a shared out-of-memory error when even that cannot be allocated).
hp_status finish(const Expected<void>& result, hp_error** error) noexcept;

// HP_IO_ERROR "out of memory", reported through `error`.
hp_status out_of_memory(hp_error** error) noexcept;

// The error for an exception that reached the boundary.
Error internal_error(std::string_view what);

// Runs `body` (returning Expected<void>) so that no exception leaves it: the C boundary.
template <typename Body>
hp_status guarded(hp_error** error, Body&& body) noexcept {
    try {
        return finish(body(), error);
    } catch (const std::bad_alloc&) {
        return out_of_memory(error);
    } catch (const std::exception& e) {
        return finish(std::unexpected(internal_error(e.what())), error);
    } catch (...) {
        return finish(std::unexpected(internal_error("unknown exception")), error);
    }
}

// What a text argument must be, beyond pointer and size.
enum class TextRule {
    any,    // the library validates the content itself (service names, free text)
    utf8,   // valid UTF-8 without NUL bytes
    bytes,  // a path: any bytes but NUL
};

// A required text argument (`what` names it in messages). Errors: invalid_argument for NULL,
// a size over HP_MAX_TEXT_SIZE, or content breaking `rule`.
Expected<std::string_view> text_arg(const char* data, size_t size, std::string_view what,
                                    TextRule rule);

// An optional text argument: nullopt for NULL, else as text_arg.
Expected<std::optional<std::string>> optional_text_arg(const char* data, size_t size,
                                                       std::string_view what, TextRule rule);

// invalid_argument "`what` is NULL" when `pointer` is NULL.
Expected<void> require(const void* pointer, std::string_view what);

// The handle (`what` names it) and the result pointer a call needs, neither NULL.
Expected<void> require_call(const void* handle, std::string_view what, const void* out);

// An allocation request as the library takes it.
struct AllocateRequest {
    network::AllocateOptions options;
    bool probe = false;  // the caller sets options.probe for the range it allocates in
};

// The options (NULL: the defaults), every value checked with the library's own rules.
Expected<AllocateRequest> allocate_request(const hp_allocate_options* options);

// options.probe set to a probe of this host's sockets on `range` when `request.probe`.
Expected<void> add_probe(AllocateRequest& request, network::PortRange range);

// The check flags (HP_CHECK_HOST or 0; unknown bits are invalid_argument).
Expected<network::CheckOptions> check_options(unsigned flags);

// An allocate's arguments, checked: handle and result pointer, service name, options.
struct AllocateCall {
    std::string_view name;
    AllocateRequest request;
};
Expected<AllocateCall> allocate_call(const void* handle, std::string_view what, const char* name,
                                     size_t name_size, const hp_allocate_options* options,
                                     const void* out);

// A release's arguments, checked: handle, service name, quarantine (-1: the registry's, else
// 0-3650 days).
struct ReleaseCall {
    std::string_view name;
    network::ReleaseOptions options;
};
Expected<ReleaseCall> release_call(const void* handle, std::string_view what, const char* name,
                                   size_t name_size, int32_t quarantine_days);

// The PortRange as C sees it.
inline hp_port_range to_c(network::PortRange ports) noexcept {
    return hp_port_range{ports.first, ports.last};
}

// New result objects; their views point into the owned copies.
hp_allocations* make_allocations(std::vector<network::Allocation> allocations);
hp_findings* make_findings(std::vector<network::Finding> findings);

// Hands `text` out as a malloc'd NUL-terminated copy (for hp_string_free) in *out, and its
// length in *out_size when out_size is not NULL.
void hand_out(std::string_view text, char** out, size_t* out_size);

// `registry` rendered in `format` with the C export options (NULL: defaults); `label` names
// the registry when the options give no source.
Expected<std::string> export_text(const network::Registry& registry, const char* format,
                                  size_t format_size, const hp_export_options* options,
                                  std::string_view label);

}  // namespace harmony::capi
