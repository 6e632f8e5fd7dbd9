// kubectl JSON: parsed by the bounded JSON reader (util/json_document.hpp), then walked.
#include <harmony/network/kube.hpp>

#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/json_document.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

using nlohmann::json;

std::string text_of(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

Protocols protocol_of(const json& port) {
    const std::string p = text_of(port, "protocol");
    return p == "UDP" ? Protocols::udp : Protocols::tcp;  // kubectl's default is TCP
}

class Reader {
  public:
    explicit Reader(std::string_view file) : m_file(file) {}

    Expected<void> object(const json& item, std::vector<KubePort>& out) {
        if (!item.is_object()) {
            return bad("expected Kubernetes objects");
        }
        const std::string kind = text_of(item, "kind");
        if (kind == "List" || (kind.size() > 4 && kind.ends_with("List"))) {
            auto items = item.find("items");
            if (items == item.end() || !items->is_array()) {
                return bad(fmt::format("{} without an items array", kind));
            }
            for (const auto& child : *items) {
                if (auto ok = object(child, out); !ok) {
                    return ok;
                }
            }
            return {};
        }
        if (kind == "Pod") {
            pod(item, out);
        } else if (kind == "Service") {
            service(item, out);
        } else if (kind.empty()) {
            return bad("an object without a kind: expected kubectl's JSON output");
        }
        return {};
    }

  private:
    Expected<void> bad(std::string what) {
        return fail(ErrorCode::invalid_argument, fmt::format("{}: {}", m_file, what));
    }

    static const json& field(const json& j, const char* key) {
        static const json k_null;
        if (!j.is_object()) {
            return k_null;
        }
        auto it = j.find(key);
        return it == j.end() ? k_null : *it;
    }

    static std::string object_name(const std::string& kind, const json& item) {
        const json& meta = field(item, "metadata");
        const std::string ns = text_of(meta.is_object() ? meta : json::object(), "namespace");
        const std::string name = text_of(meta.is_object() ? meta : json::object(), "name");
        return fmt::format("{} {}{}{}", kind, util::printable_text(ns, 63), ns.empty() ? "" : "/",
                           util::printable_text(name, 253));
    }

    // The names a workload goes by, to compare with a registry service name.
    static std::vector<std::string> identities(const json& item) {
        std::vector<std::string> out;
        const json& meta = field(item, "metadata");
        const json& labels = field(meta, "labels");
        for (const char* key : {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app",
                                "k8s-app", "app.kubernetes.io/component"}) {
            if (labels.is_object()) {
                if (auto v = text_of(labels, key); !v.empty()) {
                    out.push_back(v);
                }
            }
        }
        if (meta.is_object()) {
            if (auto v = text_of(meta, "name"); !v.empty()) {
                out.push_back(v);
            }
            const json& owners = field(meta, "ownerReferences");
            if (owners.is_array()) {
                for (const auto& o : owners) {
                    if (o.is_object()) {
                        out.push_back(text_of(o, "name"));
                    }
                }
            }
        }
        return out;
    }

    static bool valid_port(const json& v) {
        return v.is_number_integer() && v.get<std::int64_t>() >= 1 &&
               v.get<std::int64_t>() <= 65535;
    }

    void pod(const json& item, std::vector<KubePort>& out) {
        const json& spec = field(item, "spec");
        const bool host_network =
            field(spec, "hostNetwork").is_boolean() && field(spec, "hostNetwork").get<bool>();
        const std::string name = object_name("Pod", item);
        const auto ids = identities(item);
        for (const char* list : {"initContainers", "containers"}) {
            const json& containers = field(spec, list);
            if (!containers.is_array()) {
                continue;
            }
            for (const auto& c : containers) {
                const json& ports = field(c, "ports");
                if (!ports.is_array()) {
                    continue;
                }
                const std::string container = text_of(c.is_object() ? c : json::object(), "name");
                for (const auto& p : ports) {
                    KubePort kp;
                    kp.object = name;
                    kp.container = util::printable_text(container, 63);
                    kp.protocol = p.is_object() ? protocol_of(p) : Protocols::tcp;
                    kp.identities = ids;
                    kp.identities.push_back(container);
                    if (valid_port(field(p, "hostPort"))) {
                        kp.kind = KubePort::Kind::host_port;
                        kp.port = static_cast<Port>(field(p, "hostPort").get<std::int64_t>());
                        out.push_back(kp);
                    } else if (host_network && valid_port(field(p, "containerPort"))) {
                        kp.kind = KubePort::Kind::host_network;
                        kp.port = static_cast<Port>(field(p, "containerPort").get<std::int64_t>());
                        out.push_back(kp);
                    }
                }
            }
        }
    }

    void service(const json& item, std::vector<KubePort>& out) {
        const json& ports = field(field(item, "spec"), "ports");
        if (!ports.is_array()) {
            return;
        }
        for (const auto& p : ports) {
            if (!valid_port(field(p, "nodePort"))) {
                continue;
            }
            KubePort kp;
            kp.kind = KubePort::Kind::node_port;
            kp.object = object_name("Service", item);
            kp.port = static_cast<Port>(field(p, "nodePort").get<std::int64_t>());
            kp.protocol = protocol_of(p);
            kp.identities = identities(item);
            out.push_back(std::move(kp));
        }
    }

    std::string_view m_file;
};

}  // namespace

Expected<std::vector<KubePort>> parse_kube_objects(std::string_view text, std::string_view file) {
    auto doc = detail::parse_json_document(text, file);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    std::vector<KubePort> out;
    if (auto ok = Reader(file).object(*doc, out); !ok) {
        return std::unexpected(ok.error());
    }
    return out;
}

}  // namespace harmony::network
