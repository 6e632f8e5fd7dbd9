// Kubernetes objects as `kubectl get pods,services -A -o json` prints them: which host and
// node ports they take, judged against the registry.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/finding.hpp>
#include <harmony/network/registry.hpp>

namespace harmony::network {

// One port a workload takes on its nodes.
struct KubePort {
    enum class Kind {
        host_port,     // a container's hostPort
        host_network,  // a containerPort of a pod with hostNetwork: true
        node_port,     // a Service's nodePort (type NodePort or LoadBalancer)
    };
    Kind kind = Kind::host_port;
    std::string object;     // "Pod monitoring/node-exporter-x7k2p" or "Service default/web"
    std::string container;  // empty for services
    Port port = 0;
    Protocols protocol = Protocols::tcp;
    std::vector<std::string> identities;  // names the workload goes by: labels, owner, container
};

// Reads a kubectl JSON document: a List (kind List or any *List) of Pods and Services, or a
// single Pod or Service. Other kinds are skipped. Errors: parse_error "FILE:LINE:COL: what"
// for malformed JSON, nesting deeper than k_max_nesting_depth and numbers out of range
// (beyond std::int64_t, or 1e400), parse_error "FILE: what" for input larger than
// k_max_input_bytes; invalid_argument "FILE: what" for JSON that is not Kubernetes objects.
Expected<std::vector<KubePort>> parse_kube_objects(std::string_view text, std::string_view file);

// `check --kube` findings, in the range only:
//  - kube-port-unregistered (error): a hostPort or host-network port the registry does not have;
//  - kube-wrong-workload (error): a registered port taken by a workload none of whose names
//    (app.kubernetes.io/name or instance, app, k8s-app labels, owner, container, pod name)
//    contains the service name or its expected process;
//  - nodeport-in-range (error): a Service's nodePort inside the orchestrator range.
std::vector<Finding> check_kube(const Registry& registry, const std::vector<KubePort>& ports);

}  // namespace harmony::network
