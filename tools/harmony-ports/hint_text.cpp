#include "hint_text.hpp"

#include <fmt/format.h>

#include <harmony/network/registry_file.hpp>

#include "util/shell_word.hpp"

namespace harmony::cli {
using network::HintKind;

std::string hint_text(const Hint& hint) {
    // Every subject lands in a command or a path the user may paste: one quoted shell word.
    const std::string s = util::shell_word(hint.subject);
    switch (hint.kind) {
        case HintKind::none:
            return {};
        case HintKind::create_registry:
            return "run `harmony-ports init` to create one";
        case HintKind::overwrite:
            return "pass --force to overwrite it";
        case HintKind::name_pool:
            return fmt::format("pass --pool {} to use it", s);
        case HintKind::allow_registered:
            return "--allow-registered keeps them";
        case HintKind::trust_explicitly:
            return "name it with --registry PATH or HARMONY_PORTS_REGISTRY to trust it";
        case HintKind::pin_port:
            return fmt::format("register it: harmony-ports allocate NAME --port {}", s);
        case HintKind::reserve_ephemeral:
            return "write `harmony-ports export --format sysctl` to "
                   "/etc/sysctl.d/60-harmony-ports.conf and run `sysctl --system`";
        case HintKind::name_registry_file:
            return fmt::format(
                "name the registry file inside it (e.g. {})",
                util::shell_word(hint.subject + "/" + std::string(network::k_registry_file)));
        case HintKind::wait_longer:
            return "wait with --lock-timeout SECONDS (HARMONY_PORTS_LOCK_TIMEOUT) or stop the "
                   "holder";
        case HintKind::show_allocation:
            return fmt::format(
                "{0} is allocated: run `harmony-ports allocate {0}` again or "
                "`harmony-ports list` to show it",
                s);
        case HintKind::reallocate:
            return fmt::format("move it: harmony-ports release {0} && harmony-ports allocate {0}",
                               s);
        case HintKind::init_store:
            return "create it with `harmony-ports store init`";
        case HintKind::repair_store:
            return "run `harmony-ports store repair` to remove them";
        case HintKind::restore_store:
            return "restore it with `harmony-ports store init`, which keeps the allocations";
        case HintKind::merge_conflict:
            return fmt::format(
                "redo the merge as data: `harmony-ports git setup && git checkout -m {}`, or "
                "edit it keeping both sides' entries",
                s);
    }
    return {};
}

}  // namespace harmony::cli
