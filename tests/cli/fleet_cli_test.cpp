// End-to-end: `check --topology` and `check --kube` on fixture files (kubectl's exact JSON
// shape), and `export --format cpp --topology`.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include "cli/netns.hpp"
#include "cli/run_process.hpp"
#include "hostile_text.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path k_data = HARMONY_PORTS_TEST_DATA;

class Fleet : public ::testing::Test {
  protected:
    void SetUp() override {
        for (auto args : std::vector<std::vector<std::string>>{
                 {"init"},
                 {"allocate", "ntfy", "--port", "25253"},
                 {"allocate", "dns", "--port", "25053", "--protocol", "udp"}}) {
            auto r = harmony_ports(args, m_dir.path());
            ASSERT_EQ(r.exit_code, 0) << r.err;
        }
    }
    // (code, cluster, message) of every error finding, in output order.
    std::vector<std::tuple<std::string, std::string, std::string>> errors(
        const std::vector<std::string>& args, int expected_exit) {
        auto r = harmony_ports(args, m_dir.path());
        EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
        std::vector<std::tuple<std::string, std::string, std::string>> out;
        if (r.exit_code > 1) {
            return out;
        }
        json j = json::parse(r.out);
        for (const auto& f : j["findings"]) {
            if (f["severity"] == "error") {
                out.emplace_back(f["code"], f.value("cluster", ""), f["message"]);
            }
        }
        return out;
    }
    TempDir m_dir;
};

}  // namespace

TEST_F(Fleet, AGoodTopologyHasNoErrors) {
    auto e = errors({"check", "--json", "--topology", (k_data / "topology/good.toml").string()}, 0);
    EXPECT_TRUE(e.empty());
}

TEST_F(Fleet, ABadTopologyNamesEveryProblemWithItsPosition) {
    const std::string file = (k_data / "topology/bad.toml").string();
    auto e = errors({"check", "--json", "--topology", file}, 1);
    using T = std::tuple<std::string, std::string, std::string>;
    EXPECT_EQ(e, (std::vector<T>{
                     T{"range-overlaps-nodeport", "prod-a",
                       file + ":1:1: cluster prod-a's NodePort range 20000-32767 overlaps the "
                              "orchestrator range 25000-25999 at 25000-25999: Kubernetes can "
                              "give those ports to NodePort services"},
                     T{"unknown-service", "prod-a",
                       file + ":5:25: cluster prod-a runs 'ntfyy', which is not in the registry "
                              "(did you mean ntfy?)"},
                     T{"mirroring-broken", "prod-b",
                       file + ":16:1: cluster prod-b puts ntfy on 25099, but the registry has it "
                              "on 25253: a service must use the same port in every cluster"},
                     T{"override-collides", "prod-b",
                       file + ":18:1: cluster prod-b's local port cache 25080/tcp collides with "
                              "registry service ceph-rgw (25080/tcp)"},
                     T{"topology-port-reuse", "prod-b",
                       file + ":19:1: port 25081/tcp is used by legacy-proxy in cluster prod-b "
                              "and by other-proxy in cluster prod-b"},
                 }));
}

TEST_F(Fleet, PortReuseAcrossClustersNamesBothClusters) {
    write_text(m_dir.path() / "t.toml",
               "[[cluster]]\nname = \"a\"\nkind = \"k3s\"\nnodeport_range = \"30000-32767\"\n"
               "[cluster.ports]\nlegacy = 25700\n\n"
               "[[cluster]]\nname = \"b\"\nkind = \"bare-metal\"\n"
               "[cluster.ports]\nother = 25700\n");
    auto e = errors({"check", "--json", "--topology", "t.toml"}, 1);
    ASSERT_EQ(e.size(), 1U);
    EXPECT_EQ(std::get<0>(e[0]), "topology-port-reuse");
    EXPECT_EQ(std::get<2>(e[0]),
              "t.toml:12:1: port 25700/tcp is used by legacy in cluster a and "
              "by other in cluster b");
}

TEST_F(Fleet, MalformedTopologyIsBadInputWithPositions) {
    const std::string file = (k_data / "topology/malformed.toml").string();
    auto r = harmony_ports({"check", "--topology", file}, m_dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "harmony-ports: error: " + file +
                  ":2:8: invalid cluster name: invalid service name 'Prod_A': upper case is not "
                  "allowed (use a-z, 0-9, '-', '.')\n"
                  "harmony-ports: error: " +
                  file +
                  ":3:8: unknown cluster kind 'okdd' (did you mean okd?): expected one of okd, "
                  "openshift, k3d, k3s, k8s, kubernetes, rke2, microk8s, kind, bare-metal\n"
                  "harmony-ports: error: " +
                  file +
                  ":4:12: services must be an array of strings\n"
                  "harmony-ports: error: " +
                  file +
                  ":5:1: unknown key 'colour' in [[cluster]]: expected name, kind, "
                  "nodeport_range, hosts, services or ports\n"
                  "harmony-ports: error: " +
                  file + ":7:1: [[cluster]] needs a name\n");
    write_text(m_dir.path() / "syntax.toml", "[[cluster]\nname = \"a\"\n");
    auto syntax = harmony_ports({"check", "--topology", "syntax.toml"}, m_dir.path());
    EXPECT_EQ(syntax.exit_code, 2);
    EXPECT_EQ(syntax.err.rfind("harmony-ports: error: syntax.toml:1:", 0), 0U) << syntax.err;
}

TEST_F(Fleet, KubectlObjectsAreJudgedByTheRegistry) {
    const std::string file = (k_data / "kube/pods-services.json").string();
    auto e = errors({"check", "--json", "--kube", file}, 1);
    using T = std::tuple<std::string, std::string, std::string>;
    EXPECT_EQ(e, (std::vector<T>{
                     T{"kube-port-unregistered", "",
                       "Pod monitoring/node-exporter-9kq7m container node-exporter takes "
                       "host-network port 25100/tcp on its nodes, which the registry does not "
                       "have: register it or move it"},
                     T{"kube-wrong-workload", "",
                       "Pod ingress-nginx/ingress-nginx-controller-5c8d66c76d-lj9zt container "
                       "controller takes hostPort 25443/tcp, which the registry gives to "
                       "internal-https"},
                     T{"nodeport-in-range", "",
                       "Service default/web has nodePort 25555/tcp inside the orchestrator range "
                       "25000-25999: narrow the cluster's service-node-port-range so it stays "
                       "clear of 25000-25999"},
                 }));
}

// The library's finding carries a Hint; the CLI words it with its own command line, in the
// text view on a "  hint:" line after the finding and in --json as a "hint" object.
TEST_F(Fleet, FindingHintsAreWordedByTheCli) {
    const std::string file = (k_data / "kube/pods-services.json").string();
    auto text = harmony_ports({"check", "--kube", file}, m_dir.path());
    EXPECT_EQ(text.exit_code, 1) << text.err;
    EXPECT_NE(text.out.find("which the registry does not have: register it or move it "
                            "[kube-port-unregistered]\n"
                            "  hint: register it: harmony-ports allocate NAME --port 25100\n"),
              std::string::npos)
        << text.out;
    auto r = harmony_ports({"check", "--json", "--kube", file}, m_dir.path());
    const json doc = json::parse(r.out);
    json hint;
    for (const auto& f : doc["findings"]) {
        if (f["code"] == "kube-port-unregistered") {
            hint = f["hint"];
        }
    }
    EXPECT_EQ(hint, json::parse(R"({"kind": "pin-port", "subject": "25100",
        "text": "register it: harmony-ports allocate NAME --port 25100"})"));
}

TEST_F(Fleet, ASingleKubernetesObjectIsAcceptedToo) {
    write_text(m_dir.path() / "pod.json",
               R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","namespace":"d"},)"
               R"("spec":{"hostNetwork":true,"containers":[{"name":"c","ports":[)"
               R"({"containerPort":25999,"protocol":"UDP"}]}]}})");
    auto e = errors({"check", "--json", "--kube", "pod.json"}, 1);
    ASSERT_EQ(e.size(), 1U);
    EXPECT_EQ(std::get<0>(e[0]), "kube-port-unregistered");
    EXPECT_NE(std::get<2>(e[0]).find("25999/udp"), std::string::npos);
}

TEST_F(Fleet, BrokenKubectlJsonIsBadInputWithPosition) {
    write_text(m_dir.path() / "bad.json",
               "{\"kind\": \"List\", \"items\": [\n  {\"kind\": \"Pod\",, }]}");
    auto r = harmony_ports({"check", "--kube", "bad.json"}, m_dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.rfind("harmony-ports: error: bad.json:2:18: invalid JSON: ", 0), 0U) << r.err;
    write_text(m_dir.path() / "deep.json", std::string(100000, '['));
    auto deep = harmony_ports({"check", "--kube", "deep.json"}, m_dir.path());
    EXPECT_EQ(deep.exit_code, 2);
    EXPECT_EQ(deep.err, "harmony-ports: error: deep.json:1:65: nested deeper than 64 levels\n");
    write_text(m_dir.path() / "notk8s.json", "[1, 2]");
    auto not_k8s = harmony_ports({"check", "--kube", "notk8s.json"}, m_dir.path());
    EXPECT_EQ(not_k8s.exit_code, 2);
    EXPECT_EQ(not_k8s.err, "harmony-ports: error: notk8s.json: expected Kubernetes objects\n");
}

TEST_F(Fleet, CppExportNamesEveryServiceAndChecksItself) {
    auto r = harmony_ports({"export", "--format", "cpp"}, m_dir.path());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("inline constexpr std::uint16_t k_ceph_rgw = 25080;  // ceph-rgw "
                         "25080/tcp\n"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("harmony::network::find_port_clash(k_ports)"), std::string::npos);
    auto wrong =
        harmony_ports({"export", "--format", "nftables", "--topology", "x.toml"}, m_dir.path());
    EXPECT_EQ(wrong.exit_code, 2);
    EXPECT_EQ(wrong.err,
              "harmony-ports: error: --topology applies to --format cpp and rust only\n");
}

namespace {

// "a.a.a..." with 40,000 parts: once a stack overflow (exit 139).
std::string forty_thousand_part_key(std::string_view first = "a") {
    return dotted_key(40000, first);
}

}  // namespace

TEST_F(Fleet, AMissingInputFileIsBadInput) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"check", "--kube", "nope.json"},
             {"check", "--topology", "nope.toml"},
             {"export", "--format", "cpp", "--topology", "nope.toml"}}) {
        auto r = harmony_ports(args, m_dir.path());
        EXPECT_EQ(r.exit_code, 2) << args[1];
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err, "harmony-ports: error: " + args.back() +
                             ": cannot read: No such file or directory\n");
    }
}

TEST_F(Fleet, AnUnreadableInputFileIsAnEnvironmentFailure) {
    // Root reads anything: the unreadable file is tried as uid 65534 (nobody).
    ::chmod(m_dir.path().c_str(), 0755);
    const std::vector<std::string> nobody = {tool("setpriv"), "--reuid=65534", "--regid=65534",
                                             "--clear-groups", HARMONY_PORTS_BIN};
    auto as_nobody = [&](std::vector<std::string> args) {
        args.insert(args.begin(), nobody.begin(), nobody.end());
        return run_process(args, m_dir.path(), {{"HARMONY_PORTS_REGISTRY", ""}});
    };
    if (auto can_run = as_nobody({"--version"}); can_run.exit_code != 0) {
        GTEST_SKIP() << "uid 65534 cannot run the binary here: " << can_run.err;
    }
    write_text(m_dir.path() / "secret.json", "{}");
    write_text(m_dir.path() / "secret.toml", "");
    ::chmod((m_dir.path() / "secret.json").c_str(), 0);
    ::chmod((m_dir.path() / "secret.toml").c_str(), 0);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"check", "--kube", "secret.json"},
             {"check", "--topology", "secret.toml"},
             {"export", "--format", "cpp", "--topology", "secret.toml"}}) {
        auto r = as_nobody(args);
        EXPECT_EQ(r.exit_code, 3) << args[1] << ": " << r.err;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err,
                  "harmony-ports: error: " + args.back() + ": cannot read: Permission denied\n");
    }
}

TEST_F(Fleet, HostileTomlIsBadInputWithAPositionNotACrash) {
    const std::string key = forty_thousand_part_key();
    write_text(m_dir.path() / "dotted.toml", "[[cluster]]\n" + key + " = 1\n");
    write_text(m_dir.path() / "arrays.toml", "[[cluster]]\nservices = " + repeat("[", 100000));
    write_text(m_dir.path() / "inline.toml", "[[cluster]]\nports = " + repeat("{a = ", 100000));
    using T = std::pair<std::string, std::string>;
    for (const auto& [file, message] :
         {T{"dotted.toml", "dotted.toml:2:1: a dotted key of more than 64 parts"},
          T{"arrays.toml", "arrays.toml:2:76: nested deeper than 64 levels"},
          T{"inline.toml", "inline.toml:2:329: nested deeper than 64 levels"}}) {
        auto r = harmony_ports({"check", "--topology", file}, m_dir.path());
        EXPECT_EQ(r.exit_code, 2) << file;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err, "harmony-ports: error: " + message + "\n");
    }
    // The registry and harmony.toml go through the same reader.
    const fs::path registry = m_dir.path() / "harmony.network.ports.toml";
    const std::string good = read_text(registry);
    write_text(registry, good + key + " = 1\n");
    auto r = harmony_ports({"list"}, m_dir.path());
    EXPECT_EQ(r.exit_code, 2);
    const int line = static_cast<int>(std::count(good.begin(), good.end(), '\n')) + 1;
    EXPECT_EQ(r.err, "harmony-ports: error: " + registry.string() + ":" + std::to_string(line) +
                         ":1: a dotted key of more than 64 parts\n");
    write_text(registry, good + "x = " + repeat("[", 100000) + "\n");
    r = harmony_ports({"list"}, m_dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "harmony-ports: error: " + registry.string() + ":" + std::to_string(line) +
                         ":69: nested deeper than 64 levels\n");
    write_text(registry, good);
    write_text(m_dir.path() / "harmony.toml", forty_thousand_part_key("harmony") + " = 1\n");
    r = harmony_ports({"list"}, m_dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err, "harmony-ports: error: " + (m_dir.path() / "harmony.toml").string() +
                         ":1:1: a dotted key of more than 64 parts\n");
}

TEST_F(Fleet, DeeplyNestedYamlIsBadInputWithAPosition) {
    fs::remove(m_dir.path() / "harmony.network.ports.toml");
    const fs::path registry = m_dir.path() / "harmony.network.ports.yaml";
    std::string block_map;
    for (int i = 0; i < 100; ++i) {
        block_map += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
    }
    using T = std::pair<std::string, std::string>;
    for (const auto& [text, where] :
         {T{repeat("[", 65) + repeat("]", 65) + "\n", "1:65"},
          T{repeat("{a: ", 65) + "1" + repeat("}", 65) + "\n", "1:257"},
          T{repeat("- ", 20000) + "x\n", "1:129"}, T{block_map, "65:65"}}) {
        write_text(registry, text);
        auto r = harmony_ports({"list"}, m_dir.path());
        EXPECT_EQ(r.exit_code, 2) << where;
        EXPECT_EQ(r.err, "harmony-ports: error: " + registry.string() + ":" + where +
                             ": nested deeper than 64 levels\n");
    }
}

TEST_F(Fleet, KubectlJsonNumbersOutOfRangeAreBadInputWithAPosition) {
    for (const std::string number : {"1e400", "99999999999999999999999"}) {
        write_text(m_dir.path() / "pods.json",
                   "{\"kind\": \"List\", \"items\": [\n  {\"kind\": \"Pod\", \"spec\": "
                   "{\"containers\": [{\"ports\": [{\"hostPort\": " +
                       number + "}]}]}}]}\n");
        auto r = harmony_ports({"check", "--kube", "pods.json"}, m_dir.path());
        EXPECT_EQ(r.exit_code, 2) << number;
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(r.err,
                  "harmony-ports: error: pods.json:2:67: number " + number + " is out of range\n");
    }
}

TEST_F(Fleet, InputsAboveTheSizeCapAreRefused) {
    // 64 MiB and one byte: refused before parsing (or, by the file layer, before reading on).
    write_text(m_dir.path() / "big.json", std::string(std::size_t{64} * 1024 * 1024 + 1, ' '));
    auto r = harmony_ports({"check", "--kube", "big.json"}, m_dir.path());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err,
              "harmony-ports: error: big.json: is larger than 64 MiB, the most any input may "
              "hold\n");
}
