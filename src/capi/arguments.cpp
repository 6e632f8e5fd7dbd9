// What the C ABI accepts: pointers, sizes, text and options checked before the library sees
// them, so that bad input is an error value, never undefined behaviour.
#include <cstring>
#include <tuple>

#include <fmt/format.h>

#include <harmony/network/host_check.hpp>

#include "capi/handles.hpp"
#include "util/printable.hpp"

namespace harmony::capi {
namespace {

Expected<void> check_rule(std::string_view text, std::string_view what, TextRule rule) {
    if (rule == TextRule::any) {
        return {};
    }
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        return network::fail(ErrorCode::invalid_argument,
                             fmt::format("{} holds a NUL byte at offset {}", what, nul));
    }
    if (rule == TextRule::utf8) {
        if (const auto bad = util::first_invalid_utf8(text); bad != std::string_view::npos) {
            return network::fail(ErrorCode::invalid_argument,
                                 fmt::format("{} is not valid UTF-8 (offset {})", what, bad));
        }
    }
    return {};
}

Expected<std::optional<network::Protocols>> protocols_of(std::int32_t raw) {
    if (raw == HP_PROTOCOLS_DEFAULT) {
        return std::optional<network::Protocols>{};
    }
    if (raw == HP_TCP || raw == HP_UDP || raw == HP_TCP_UDP) {
        return std::optional(static_cast<network::Protocols>(raw));
    }
    return network::fail(ErrorCode::invalid_argument,
                         fmt::format("invalid protocols {}: expected 0 (default), 1 (tcp), 2 "
                                     "(udp) or 3 (tcp+udp)",
                                     raw));
}

// The numbers, read by the same rules (and messages) as the CLI's --count and --port.
Expected<void> add_numbers(const hp_allocate_options& in, network::AllocateOptions& out) {
    if (in.count != 0) {
        auto count = network::parse_block_size(std::to_string(in.count));
        if (!count) {
            return std::unexpected(count.error());
        }
        out.count = *count;
    }
    if (in.port != -1) {
        auto port = network::parse_port_number(std::to_string(in.port));
        if (!port) {
            return std::unexpected(port.error());
        }
        out.port = *port;
    }
    auto protocols = protocols_of(in.protocols);
    if (!protocols) {
        return std::unexpected(protocols.error());
    }
    out.protocols = *protocols;
    return {};
}

// Pool, owner, notes and process; the allocator validates the free text and process name.
Expected<void> add_texts(const hp_allocate_options& in, network::AllocateOptions& out) {
    auto pool = optional_text_arg(in.pool, in.pool_size, "pool name", TextRule::utf8);
    if (!pool) {
        return std::unexpected(pool.error());
    }
    out.pool = pool->value_or("");
    for (auto [data, size, what, into] :
         {std::tuple{in.owner, in.owner_size, "owner", &out.owner},
          std::tuple{in.notes, in.notes_size, "notes", &out.notes},
          std::tuple{in.process, in.process_size, "process name", &out.process}}) {
        auto text = optional_text_arg(data, size, what, TextRule::any);
        if (!text) {
            return std::unexpected(text.error());
        }
        *into = std::move(*text);
    }
    return {};
}

}  // namespace

Expected<void> require(const void* pointer, std::string_view what) {
    if (pointer == nullptr) {
        return network::fail(ErrorCode::invalid_argument, fmt::format("{} is NULL", what));
    }
    return {};
}

Expected<std::string_view> text_arg(const char* data, size_t size, std::string_view what,
                                    TextRule rule) {
    if (auto ok = require(data, what); !ok) {
        return std::unexpected(ok.error());
    }
    if (size == HP_NUL_TERMINATED) {
        size = ::strnlen(data, HP_MAX_TEXT_SIZE + 1);
    }
    if (size > HP_MAX_TEXT_SIZE) {
        return network::fail(
            ErrorCode::invalid_argument,
            fmt::format("{} is longer than the limit of {} bytes", what, HP_MAX_TEXT_SIZE));
    }
    const std::string_view text(data, size);
    if (auto ok = check_rule(text, what, rule); !ok) {
        return std::unexpected(ok.error());
    }
    return text;
}

Expected<std::optional<std::string>> optional_text_arg(const char* data, size_t size,
                                                       std::string_view what, TextRule rule) {
    if (data == nullptr) {
        return std::optional<std::string>{};
    }
    auto text = text_arg(data, size, what, rule);
    if (!text) {
        return std::unexpected(text.error());
    }
    return std::optional<std::string>(std::string(*text));
}

Expected<AllocateRequest> allocate_request(const hp_allocate_options* options) {
    AllocateRequest request;
    if (options == nullptr) {
        return request;
    }
    if (options->struct_size != sizeof(hp_allocate_options)) {
        return network::fail(ErrorCode::invalid_argument,
                             fmt::format("allocate options of {} bytes: this library takes {} "
                                         "(start from HP_ALLOCATE_OPTIONS_INIT)",
                                         options->struct_size, sizeof(hp_allocate_options)));
    }
    if (auto ok = add_numbers(*options, request.options); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto ok = add_texts(*options, request.options); !ok) {
        return std::unexpected(ok.error());
    }
    request.options.allow_registered = options->allow_registered != 0;
    request.probe = options->probe != 0;
    return request;
}

Expected<void> add_probe(AllocateRequest& request, network::PortRange range) {
    if (!request.probe) {
        return {};
    }
    auto probe = network::probe_host(network::SystemHostScanner{}, range);
    if (!probe) {
        return std::unexpected(probe.error());
    }
    request.options.probe = std::move(*probe);
    return {};
}

Expected<network::CheckOptions> check_options(unsigned flags) {
    if ((flags & ~HP_CHECK_HOST) != 0) {
        return network::fail(ErrorCode::invalid_argument,
                             fmt::format("unknown check flags {:#x}: only HP_CHECK_HOST ({:#x}) "
                                         "is defined",
                                         flags & ~HP_CHECK_HOST, HP_CHECK_HOST));
    }
    network::CheckOptions options;
    options.host = (flags & HP_CHECK_HOST) != 0;
    return options;
}

namespace {

// The quarantine of a release: -1 for the registry's, else 0-3650 days.
Expected<network::ReleaseOptions> release_options(int32_t quarantine_days) {
    network::ReleaseOptions options;
    if (quarantine_days == -1) {
        return options;
    }
    auto days = network::parse_quarantine_days(std::to_string(quarantine_days));
    if (!days) {
        return std::unexpected(days.error());
    }
    options.quarantine_days = *days;
    return options;
}

}  // namespace

Expected<void> require_call(const void* handle, std::string_view what, const void* out) {
    if (auto ok = require(handle, what); !ok) {
        return ok;
    }
    return require(out, "result pointer");
}

Expected<AllocateCall> allocate_call(const void* handle, std::string_view what, const char* name,
                                     size_t name_size, const hp_allocate_options* options,
                                     const void* out) {
    if (auto ok = require_call(handle, what, out); !ok) {
        return std::unexpected(ok.error());
    }
    auto text = text_arg(name, name_size, "service name", TextRule::any);
    if (!text) {
        return std::unexpected(text.error());
    }
    auto request = allocate_request(options);
    if (!request) {
        return std::unexpected(request.error());
    }
    return AllocateCall{*text, std::move(*request)};
}

Expected<ReleaseCall> release_call(const void* handle, std::string_view what, const char* name,
                                   size_t name_size, int32_t quarantine_days) {
    if (auto ok = require(handle, what); !ok) {
        return std::unexpected(ok.error());
    }
    auto text = text_arg(name, name_size, "service name", TextRule::any);
    if (!text) {
        return std::unexpected(text.error());
    }
    auto options = release_options(quarantine_days);
    if (!options) {
        return std::unexpected(options.error());
    }
    return ReleaseCall{*text, *options};
}

}  // namespace harmony::capi
