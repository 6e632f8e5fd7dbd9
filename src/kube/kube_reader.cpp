// kubectl JSON: parsed with nlohmann (exceptions stay inside this file), positions of syntax
// errors turned into line:column.
#include <harmony/network/kube.hpp>

#include <charconv>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <harmony/network/limits.hpp>

#include "util/input_limits.hpp"
#include "util/printable.hpp"

namespace harmony::network {
namespace {

using nlohmann::json;

// What the JSON screen refuses, at byte `offset`.
struct JsonProblem {
    std::size_t offset = 0;
    std::string what;
};

// A number token (JSON numbers hold only these characters).
bool is_number_char(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// True when `token` is a number no std::int64_t (integers) or finite double holds: nlohmann
// throws a bare out_of_range for 1e400 and turns 99999999999999999999999 into a float silently.
// Malformed tokens are left to the parser, which reports them with a position.
bool out_of_range(std::string_view token) {
    const char* first = token.data();
    const char* last = token.data() + token.size();
    if (token.find_first_of(".eE") == std::string_view::npos) {
        std::int64_t integer = 0;
        return std::from_chars(first, last, integer).ec == std::errc::result_out_of_range;
    }
    double real = 0;
    return std::from_chars(first, last, real).ec == std::errc::result_out_of_range;
}

// The first nesting deeper than k_max_nesting_depth or number out of range, strings skipped,
// or nullopt. Why before parsing: our reader walks Lists by recursion, and nlohmann reports a
// number overflow without a position.
std::optional<JsonProblem> screen_json(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > k_max_nesting_depth) {
                return JsonProblem{i, detail::too_deep_text()};
            }
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t end = i;
            while (end < text.size() && is_number_char(text[end])) {
                ++end;
            }
            const std::string_view token = text.substr(i, end - i);
            if (out_of_range(token)) {
                return JsonProblem{
                    i, fmt::format("number {} is out of range", util::printable_text(token, 40))};
            }
            i = end - 1;
        }
    }
    return std::nullopt;
}

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
    if (auto size = detail::check_input_size(text, file); !size) {
        return std::unexpected(size.error());
    }
    if (auto problem = screen_json(text)) {
        const auto at = util::line_column(text, problem->offset);
        return fail(ErrorCode::parse_error,
                    fmt::format("{}:{}:{}: {}", file, at.line, at.column, problem->what));
    }
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        // e.byte is 1-based: the byte after which the error was seen.
        const auto at = util::line_column(text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        if (auto colon = what.rfind(": "); colon != std::string::npos) {
            what = what.substr(colon + 2);
        }
        return fail(ErrorCode::parse_error,
                    fmt::format("{}:{}:{}: invalid JSON: {}", file, at.line, at.column,
                                util::printable_text(what, 120)));
    } catch (const json::exception& e) {
        return fail(ErrorCode::parse_error,
                    fmt::format("{}: invalid JSON: {}", file, util::printable_text(e.what(), 120)));
    }
    std::vector<KubePort> out;
    if (auto ok = Reader(file).object(doc, out); !ok) {
        return std::unexpected(ok.error());
    }
    return out;
}

}  // namespace harmony::network
