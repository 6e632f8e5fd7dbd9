// `map` and `check --format prometheus` through the real binary: golden terminal maps with
// and without colour, the JSON model, live holders on a real host (a network namespace) and
// a real fleet (nats-server), metrics that promtool accepts, and bad input.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/nats_server.hpp"
#include "cli/netns.hpp"
#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// HARMONY_PORTS_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
void expect_golden(const std::string& name, const std::string& actual) {
    const fs::path path = fs::path(HARMONY_PORTS_GOLDEN_DIR) / name;
    if (const char* update = std::getenv("HARMONY_PORTS_UPDATE_GOLDEN"); update && *update) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    EXPECT_EQ(actual, read_text(path)) << "golden " << path << " differs; rerun with "
                                       << "HARMONY_PORTS_UPDATE_GOLDEN=1 if the change is meant";
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// A registry with every state but live ones: pools (one reserved), allocations in the
// default and a named pool, a quarantine, IANA ports, and a port two services claim.
class MapCli : public ::testing::Test {
  protected:
    void SetUp() override {
        for (auto args : {std::vector<std::string>{"init"},
                          std::vector<std::string>{"allocate", "web", "--owner", "team-a",
                                                   "--notes", "front door"},
                          std::vector<std::string>{"allocate", "cache", "--protocol", "udp"},
                          std::vector<std::string>{"allocate", "prom", "--pool", "metrics"},
                          std::vector<std::string>{"allocate", "old"},
                          std::vector<std::string>{"release", "old"}}) {
            auto r = run(args);
            ASSERT_EQ(r.exit_code, 0) << r.err;
        }
        std::ofstream(registry(), std::ios::app)
            << "\n[[allocation]]\nname = \"intruder\"\nport = 25851\nprotocols = [\"tcp\"]\n";
    }
    ProcessResult run(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {}) {
        return harmony_ports(args, m_dir.path(), env);
    }
    fs::path registry() const { return m_dir.path() / "harmony.network.ports.toml"; }
    // Output with this test's folder as <dir>, so goldens do not depend on where it runs.
    std::string portable(const std::string& text) const {
        return replace_all(text, m_dir.path().string(), "<dir>");
    }
    json map_json(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"map", "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run(args);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return json::parse(r.out);
    }
    TempDir m_dir;
};

// The entry of `port` in a map document's ports (null when the port is plain free).
json port_entry(const json& map, int port) {
    for (const auto& p : map["ports"]) {
        if (p["port"] == port) {
            return p;
        }
    }
    return nullptr;
}

}  // namespace

TEST_F(MapCli, TerminalMapWithoutColourMatchesItsGolden) {
    auto r = run({"map", "--color", "never"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_golden("map-plain.txt", portable(r.out));
    // A pipe with NO_COLOR and no flag draws the same characters.
    auto piped = run({"map"}, {{"NO_COLOR", "1"}});
    EXPECT_EQ(piped.out, r.out);
}

TEST_F(MapCli, TerminalMapWithColourMatchesItsGolden) {
    auto r = run({"map", "--color", "always"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_golden("map-color.txt", portable(r.out));
    EXPECT_TRUE(contains(r.out, "\x1b[1;97;41m!\x1b[0m")) << "the conflict is red";
    // Without the escapes it is the plain map: colour adds nothing the characters lack.
    std::string stripped;
    for (std::size_t i = 0; i < r.out.size(); ++i) {
        if (r.out[i] == '\x1b') {
            i = r.out.find('m', i);
            continue;
        }
        stripped += r.out[i];
    }
    EXPECT_EQ(stripped, run({"map", "--color", "never"}).out);
}

TEST_F(MapCli, TheWholePortSpaceIsAggregatedIntoAThousandCells) {
    auto r = run({"map", "--range", "1-65535", "--color", "never"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_golden("map-65535.txt", portable(r.out));
    EXPECT_TRUE(contains(r.out, "ports 1-65535 (65535 ports, 66 ports per cell)")) << r.out;
}

TEST_F(MapCli, OnePoolIsMappedAlone) {
    auto r = run({"map", "--pool", "metrics", "--color", "never"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "ports 25090-25099 (10 ports, one port per cell)")) << r.out;
    EXPECT_TRUE(contains(r.out, "25090 aaaAaaaaaa\n")) << r.out;
    EXPECT_TRUE(contains(r.out, "pool Aa metrics 25090-25099")) << r.out;
}

TEST_F(MapCli, JsonCarriesEveryPortsStateAndDetails) {
    const json map = map_json();
    EXPECT_EQ(map["shown"], (json{{"first", 25000}, {"last", 25999}}));
    EXPECT_EQ(map["counts"]["conflict"], 1);
    EXPECT_EQ(map["counts"]["quarantined"], 1);
    EXPECT_EQ(map["counts"]["reserved"], 50);
    int sum = 0;
    for (const auto& [state, n] : map["counts"].items()) {
        sum += n.get<int>();
    }
    EXPECT_EQ(sum, 1000);
    const json ceph = port_entry(map, 25080);
    ASSERT_FALSE(ceph.is_null());
    EXPECT_EQ(ceph["state"], "allocated");
    EXPECT_EQ(map["allocations"][ceph["allocation"].get<int>()]["name"], "ceph-rgw");
    const json clash = port_entry(map, 25851);
    ASSERT_FALSE(clash.is_null());
    EXPECT_EQ(clash["state"], "conflict");
    EXPECT_EQ(map["findings"][clash["findings"][0].get<int>()]["code"], "duplicate-port");
    const json impala = port_entry(map, 25000);
    EXPECT_EQ(impala["state"], "registered");
    EXPECT_TRUE(contains(impala["known"].dump(), "impalad-webui")) << impala;
}

TEST_F(MapCli, BadInputIsAOneLineErrorWithTheDocumentedExitCode) {
    auto pool = run({"map", "--pool", "metrix"});
    EXPECT_EQ(pool.exit_code, 1);
    EXPECT_TRUE(
        contains(pool.err, "no pool named 'metrix' in the registry (did you mean metrics?)"))
        << pool.err;
    auto range = run({"map", "--range", "25999-25000"});
    EXPECT_EQ(range.exit_code, 2) << range.err;
    auto both = run({"map", "--range", "1-2", "--pool", "metrics"});
    EXPECT_EQ(both.exit_code, 2) << both.err;
    auto narrow = run({"map", "--columns", "3"});
    EXPECT_EQ(narrow.exit_code, 2) << narrow.err;
    auto nowhere = run({"map", "--html", (m_dir.path() / "no/such/dir/map.html").string()});
    EXPECT_NE(nowhere.exit_code, 0);
    EXPECT_FALSE(fs::exists(m_dir.path() / "no"));
    for (const auto* r : {&pool, &range, &both, &narrow, &nowhere}) {
        EXPECT_EQ(std::count(r->err.begin(), r->err.end(), '\n'), 1) << r->err;
        EXPECT_TRUE(r->out.empty()) << r->out;
    }
}

TEST_F(MapCli, HtmlPageIsWrittenAtomicallyToTheFileNamed) {
    const fs::path page = m_dir.path() / "map.html";
    auto r = run({"map", "--html", page.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    const std::string html = read_text(page);
    EXPECT_TRUE(contains(html, "ceph-rgw"));
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(m_dir.path())) {
        names.insert(e.path().filename().string());
    }
    EXPECT_EQ(names,
              (std::set<std::string>{"harmony.toml", "harmony.network.ports.toml", "map.html"}));
}

// Every severity present: an error (the duplicate port), warnings (the range's overlaps) and
// an info (not-listening, with --host in an empty namespace).
TEST_F(MapCli, PrometheusMetricsPassPromtoolWithEverySeverity) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root for a network namespace (CI runs as root)";
    }
    if (std::system("command -v promtool >/dev/null") != 0) {
        GTEST_SKIP() << "promtool (Debian's prometheus) is not installed";
    }
    Netns ns;
    const fs::path out = m_dir.path() / "harmony_ports.prom";
    auto r = run({"check", "--host", "--netns", ns.name(), "--format", "prometheus", "--output",
                  out.string()});
    EXPECT_EQ(r.exit_code, 1) << r.err;  // the duplicate port is an error
    EXPECT_TRUE(r.out.empty()) << r.out;
    const std::string metrics = read_text(out);
    for (const char* line : {"harmony_ports_check_findings{severity=\"error\"} 1\n",
                             "harmony_ports_check_findings{severity=\"info\"} 7\n",
                             "code=\"duplicate-port\"} 1\n", "code=\"not-listening\"} 6\n",
                             "harmony_ports_check_ok 0\n", "harmony_ports_range_ports 1000\n",
                             "harmony_ports_pool_ports{pool=\"metrics\",reserved=\"false\","
                             "state=\"allocated\"} 1\n",
                             "harmony_ports_pool_ports{pool=\"default\",reserved=\"false\","
                             "state=\"quarantined\"} 1\n",
                             "harmony_ports_registry_info{digest=\""}) {
        EXPECT_TRUE(contains(metrics, line)) << line << "\n" << metrics;
    }
    EXPECT_FALSE(contains(metrics, "severity=\"warning\"} 0\n")) << metrics;
    auto promtool =
        run_process({"/bin/sh", "-c", "promtool check metrics < " + out.string()}, m_dir.path());
    EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
    // A second run replaces the file whole (a new inode), never writes into it.
    struct stat before {};
    ASSERT_EQ(::stat(out.c_str(), &before), 0);
    run({"check", "--format", "prometheus", "--output", out.string()});
    struct stat after {};
    ASSERT_EQ(::stat(out.c_str(), &after), 0);
    EXPECT_NE(before.st_ino, after.st_ino);
}

TEST_F(MapCli, PrometheusToStandardOutputAndFormatErrors) {
    auto r = run({"check", "--format", "prometheus"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(r.out.starts_with("# HELP harmony_ports_check_findings ")) << r.out;
    EXPECT_EQ(run({"check", "--format", "prometheus", "--json"}).exit_code, 2);
    EXPECT_EQ(run({"check", "--format", "xml"}).exit_code, 2);
    auto json_file = run({"check", "--format", "json", "--output", "report.json"});
    EXPECT_EQ(json_file.exit_code, 1);
    EXPECT_EQ(json::parse(read_text(m_dir.path() / "report.json"))["errors"], 1);
}

TEST_F(MapCli, HostMapShowsWhatHoldsEachPort) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root for a network namespace (CI runs as root)";
    }
    Netns ns;
    Listeners held(ns, {"--comm", "hp-web", "tcp4:25851", "tcp4:25300", "udp4:25301"});
    auto r = run({"map", "--host", "--netns", ns.name(), "--color", "never"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "in use as seen on this host")) << r.out;
    EXPECT_TRUE(contains(r.out, "25300 @@........ ")) << r.out;
    const json map = map_json({"--host", "--netns", ns.name()});
    EXPECT_EQ(map["live"]["host"], true);
    EXPECT_EQ(map["counts"]["in-use"], 2);
    const json held_port = port_entry(map, 25300);
    EXPECT_EQ(held_port["state"], "in-use");
    const json holder = map["holders"][held_port["holders"][0].get<int>()];
    EXPECT_EQ(holder["process"], "hp-web");
    EXPECT_EQ(holder["host"], "");
    EXPECT_EQ(holder["protocol"], "tcp");
    // port-in-use is an error finding: the held, unallocated ports are conflicts in the list.
    EXPECT_TRUE(contains(r.out, "port-in-use")) << r.out;
}

TEST_F(MapCli, FleetMapShowsEachHostsHolders) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root for a network namespace (CI runs as root)";
    }
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer nats;
    const std::map<std::string, std::string> env{{"HARMONY_PORTS_STORE", nats.url()}};
    ASSERT_EQ(run({"store", "init"}, env).exit_code, 0);  // the ADR-014 table, in the store
    Netns one;
    Listeners held(one, {"--comm", "hp-cache", "udp4:25700"});
    auto agent = run({"agent", "--host", "node-1", "--netns", one.name(), "--once"}, env);
    ASSERT_EQ(agent.exit_code, 0) << agent.err;
    auto r = run({"map", "--fleet", "--json"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json map = json::parse(r.out);
    EXPECT_EQ(map["live"]["fleet"], true);
    const json held_port = port_entry(map, 25700);
    ASSERT_FALSE(held_port.is_null()) << r.out;
    const json holder = map["holders"][held_port["holders"][0].get<int>()];
    EXPECT_EQ(holder["host"], "node-1");
    EXPECT_EQ(holder["process"], "hp-cache");
    EXPECT_EQ(holder["protocol"], "udp");
}
