#include <harmony/network/hint.hpp>

namespace harmony::network {

std::string_view to_string(HintKind kind) noexcept {
    switch (kind) {
        case HintKind::none:
            return "none";
        case HintKind::create_registry:
            return "create-registry";
        case HintKind::overwrite:
            return "overwrite";
        case HintKind::name_pool:
            return "name-pool";
        case HintKind::allow_registered:
            return "allow-registered";
        case HintKind::trust_explicitly:
            return "trust-explicitly";
        case HintKind::pin_port:
            return "pin-port";
        case HintKind::reserve_ephemeral:
            return "reserve-ephemeral";
        case HintKind::name_registry_file:
            return "name-registry-file";
        case HintKind::wait_longer:
            return "wait-longer";
        case HintKind::show_allocation:
            return "show-allocation";
        case HintKind::reallocate:
            return "reallocate";
        case HintKind::init_store:
            return "init-store";
        case HintKind::repair_store:
            return "repair-store";
        case HintKind::restore_store:
            return "restore-store";
        case HintKind::merge_conflict:
            return "merge-conflict";
    }
    return "none";
}

}  // namespace harmony::network
