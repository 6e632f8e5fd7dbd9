#include "hint_text.hpp"

#include <fmt/format.h>

#include <harmony/network/registry_file.hpp>

#include "util/printable.hpp"

namespace harmony::cli {
using network::HintKind;

std::string hint_text(const Hint& hint) {
    const std::string s = util::printable_text(hint.subject);
    switch (hint.kind) {
        case HintKind::none:
            return {};
        case HintKind::create_registry:
            return fmt::format("create one: harmony-ports init (in {})", s);
        case HintKind::overwrite:
            return fmt::format("pass --force to overwrite {}", s);
        case HintKind::name_pool:
            return fmt::format("ask for it by its pool: harmony-ports allocate NAME --pool {}", s);
        case HintKind::allow_registered:
            return "allocate takes them with --allow-registered";
        case HintKind::trust_explicitly:
            return fmt::format("trust it explicitly: --registry {0} or HARMONY_PORTS_REGISTRY={0}",
                               s);
        case HintKind::pin_port:
            return fmt::format("register it: harmony-ports allocate NAME --port {}", s);
        case HintKind::reserve_ephemeral:
            return "reserve it: harmony-ports export --format sysctl > "
                   "/etc/sysctl.d/60-harmony-ports.conf && sysctl --system";
        case HintKind::name_registry_file:
            return fmt::format("name the registry file inside it: --registry {}/{}", s,
                               network::k_registry_file);
        case HintKind::wait_longer:
            return "wait longer with --lock-timeout SECONDS, or stop the lock's holder";
        case HintKind::show_allocation:
            return fmt::format("show it again: harmony-ports list (service {})", s);
        case HintKind::reallocate:
            return fmt::format("move it: harmony-ports release {0} && harmony-ports allocate {0}",
                               s);
    }
    return {};
}

}  // namespace harmony::cli
