// `check --kube`: what Kubernetes workloads take on their nodes, judged by the registry.
#include <algorithm>

#include <fmt/format.h>

#include <harmony/network/kube.hpp>

#include "core/port_index.hpp"

namespace harmony::network {
namespace {

std::string_view how(KubePort::Kind kind) {
    switch (kind) {
        case KubePort::Kind::host_port:
            return "hostPort";
        case KubePort::Kind::host_network:
            return "host-network port";
        case KubePort::Kind::node_port:
            return "nodePort";
    }
    return "port";
}

std::string where(const KubePort& p) {
    return p.container.empty() ? p.object : fmt::format("{} container {}", p.object, p.container);
}

// True when one of the workload's names contains the service name or its expected process
// (charts prefix names: "rook-ceph-rgw" runs "ceph-rgw").
bool same_workload(const Allocation& a, const KubePort& p) {
    return std::any_of(p.identities.begin(), p.identities.end(), [&](const std::string& id) {
        return id.find(a.name) != std::string::npos ||
               (!a.process.empty() && id.find(a.process) != std::string::npos);
    });
}

Finding error(std::string code, std::string message, const KubePort& p, std::string service) {
    Finding f(Severity::error, std::move(code), std::move(message));
    f.ports = PortRange{p.port, p.port};
    f.service = std::move(service);
    return f;
}

}  // namespace

std::vector<Finding> check_kube(const Registry& registry, const std::vector<KubePort>& ports) {
    const detail::PortIndex index(registry);
    std::vector<Finding> out;
    for (const auto& p : ports) {
        if (!registry.range.contains(p.port)) {
            continue;
        }
        const std::string port = fmt::format("{}/{}", p.port, to_string(p.protocol));
        if (p.kind == KubePort::Kind::node_port) {
            out.push_back(error(
                "nodeport-in-range",
                fmt::format("{} has nodePort {} inside the orchestrator range "
                            "{}: narrow the cluster's service-node-port-range "
                            "so it stays clear of {}",
                            p.object, port, registry.range.to_string(), registry.range.to_string()),
                p, ""));
            continue;
        }
        const Allocation* a = index.holder(p.port, p.protocol);
        if (a == nullptr) {
            Finding f = error("kube-port-unregistered",
                              fmt::format("{} takes {} {} on its nodes, which the registry "
                                          "does not have: register it or move it",
                                          where(p), how(p.kind), port),
                              p, "");
            f.hint = Hint{HintKind::pin_port, std::to_string(p.port)};
            out.push_back(std::move(f));
        } else if (!same_workload(*a, p)) {
            out.push_back(error("kube-wrong-workload",
                                fmt::format("{} takes {} {}, which the registry gives to {}",
                                            where(p), how(p.kind), port, a->name),
                                p, a->name));
        }
    }
    return out;
}

}  // namespace harmony::network
