// End-to-end: the real harmony-ports binary in temporary folders, as a user runs it.
#include <gtest/gtest.h>

#include <regex>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/run_process.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;

namespace {

class Cli : public ::testing::Test {
  protected:
    ProcessResult run(const std::vector<std::string>& args,
                      std::map<std::string, std::string> env = {}) {
        return harmony_ports(args, m_dir.path(), std::move(env));
    }
    void init(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"init"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = run(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    fs::path registry() const { return m_dir.path() / "harmony.network.ports.toml"; }
    // Runs a command that must fail and checks the registry did not change at all.
    ProcessResult expect_unchanged(const std::vector<std::string>& args, int exit_code) {
        std::string before = read_text(registry());
        auto r = run(args);
        EXPECT_EQ(r.exit_code, exit_code) << r.out << r.err;
        EXPECT_EQ(read_text(registry()), before);
        EXPECT_TRUE(r.out.empty()) << r.out;
        EXPECT_EQ(r.err.rfind("harmony-ports: error: ", 0), 0U) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        return r;
    }
    TempDir m_dir;
};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_F(Cli, WithoutRegistryShowsTheEmbeddedAdr014DefaultAndItsFindings) {
    auto r = harmony_ports_in_fresh_netns({}, m_dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "range 25000-25999 (1000 ports) from embedded ADR-014 default"));
    EXPECT_TRUE(contains(r.out, "ceph-rgw"));
    EXPECT_TRUE(contains(r.out, "25443"));
    EXPECT_TRUE(contains(r.out, "future-scores"));
    EXPECT_TRUE(contains(r.out, "[range-overlaps-ephemeral]"));
    EXPECT_TRUE(contains(r.out, "0 errors, 5 warnings"));
    if (::geteuid() == 0) {  // a fresh namespace: nothing listens, nothing is reserved
        EXPECT_TRUE(contains(r.out,
                             "info: ceph-rgw: 25080/tcp is registered but nothing listens "
                             "on it on this host [not-listening]"))
            << r.out;
        EXPECT_TRUE(contains(r.out, "0 errors, 5 warnings, 3 info")) << r.out;
    }
    EXPECT_EQ(r.out.find("\033["), std::string::npos);  // no colour when not a terminal
}

TEST_F(Cli, InitWritesBothFilesWithTheAdrTableAndNeverOverwrites) {
    init();
    std::string text = read_text(registry());
    EXPECT_TRUE(
        contains(text, "name = \"future-scores\"\nports = \"25550-25599\"\nreserved = true"));
    EXPECT_TRUE(contains(text, "name = \"ceph-rgw\"\nport = 25080\nprotocols = [\"tcp\"]"));
    EXPECT_TRUE(contains(read_text(m_dir.path() / "harmony.toml"),
                         "[harmony.network.defaults]\norchestrator_port_range = \"25000-25999\""));
    auto again = expect_unchanged({"init"}, 1);
    EXPECT_TRUE(contains(again.err, "already exists; pass --force"));
    EXPECT_EQ(run({"init", "--force", "--empty"}).exit_code, 0);
    EXPECT_FALSE(contains(read_text(registry()), "ceph-rgw"));
}

TEST_F(Cli, InitAcceptsAnyValidRangeAndLeavesPolicyToCheck) {
    init({"--range", "30000-30999"});
    auto check = run({"check"});
    EXPECT_EQ(check.exit_code, 1);
    EXPECT_TRUE(contains(check.out, "[range-overlaps-nodeport]"));
    auto list = nlohmann::json::parse(run({"list", "--json"}).out);
    EXPECT_EQ(list["range"]["first"], 30000);
    EXPECT_TRUE(list["allocations"].empty());  // ADR entries outside the range are left out
}

TEST_F(Cli, InitRejectsBadRanges) {
    for (const char* bad : {"25999-25000", "70000", "abc"}) {
        auto r = run({"init", "--range", bad});
        EXPECT_EQ(r.exit_code, 2) << bad;
        EXPECT_TRUE(contains(r.err, "harmony-ports: error: invalid port range"));
        EXPECT_FALSE(fs::exists(registry()));
    }
}

TEST_F(Cli, InitYamlWritesAYamlRegistryThatAllocateKeepsYaml) {
    init({"--format", "yaml"});
    fs::path yaml = m_dir.path() / "harmony.network.ports.yaml";
    ASSERT_TRUE(fs::exists(yaml));
    auto r = run({"allocate", "ntfy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(read_text(yaml), "  - name: \"ntfy\""));
}

TEST_F(Cli, AllocatePrintsOnlyThePortAndIsDurableAndIdempotent) {
    init();
    auto r = run({"allocate", "ntfy"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(std::regex_match(r.out, std::regex("25[0-9]{3}\n"))) << r.out;
    EXPECT_TRUE(contains(read_text(registry()), "name = \"ntfy\"\nport = " + r.out.substr(0, 5)));
    std::string after_first = read_text(registry());
    EXPECT_EQ(run({"allocate", "ntfy"}).out, r.out);
    EXPECT_EQ(read_text(registry()), after_first);
}

TEST_F(Cli, AllocateBlockPrintsTheBlock) {
    init();
    auto r = run({"allocate", "prom", "--pool", "metrics", "--count", "10"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "25090-25099\n");
    auto full = expect_unchanged({"allocate", "more", "--pool", "metrics"}, 1);
    EXPECT_TRUE(contains(full.err, "no free tcp port for more in pool metrics (25090-25099)"));
}

TEST_F(Cli, AllocateWithoutARegistrySaysToRunInit) {
    auto r = run({"allocate", "ntfy"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "run `harmony-ports init` to create one")) << r.err;
}

TEST_F(Cli, BadNamesAreExit2AndTouchNothing) {
    init();
    for (const std::string& bad :
         std::vector<std::string>{"a;b", "Upper", std::string(64, 'x'), ""}) {
        auto r = expect_unchanged({"allocate", bad}, 2);
        EXPECT_TRUE(contains(r.err, "invalid service name")) << r.err;
    }
}

TEST_F(Cli, PinsAreCheckedAgainstRangeAndOwners) {
    init();
    auto outside = expect_unchanged({"allocate", "web", "--port", "8080"}, 2);
    EXPECT_EQ(outside.err, "harmony-ports: error: " + registry().string() +
                               ": cannot pin web to 8080: outside the range 25000-25999\n");
    auto taken = expect_unchanged({"allocate", "web", "--port", "25080"}, 1);
    EXPECT_EQ(taken.err, "harmony-ports: error: " + registry().string() +
                             ": cannot pin web to 25080/tcp: port 25080 is already allocated to "
                             "ceph-rgw\n");
    expect_unchanged({"allocate", "web", "--port", "70000"}, 2);
    expect_unchanged({"allocate", "web", "--protocol", "sctp"}, 2);
    EXPECT_EQ(run({"allocate", "web", "--port", "25081"}).out, "25081\n");
}

TEST_F(Cli, MalformedRegistryIsExit2WithPositionAndStaysUnchanged) {
    init();
    write_text(registry(), "schema_version = 1\n[[allocation]]\nname = \"x\"\nport = \n");
    auto r = expect_unchanged({"allocate", "ntfy"}, 2);
    EXPECT_TRUE(contains(r.err, registry().string() + ":4:")) << r.err;
    EXPECT_EQ(run({"list"}).exit_code, 2);
    EXPECT_EQ(run({"check"}).exit_code, 2);
}

TEST_F(Cli, UnknownKeyIsReportedWithItsPosition) {
    init();
    write_text(registry(), "schema_version = 1\nbogus = true\n");
    auto r = expect_unchanged({"allocate", "ntfy"}, 2);
    EXPECT_EQ(r.err, "harmony-ports: error: " + registry().string() +
                         ":2:1: unknown key 'bogus' in the registry (expected: schema_version, "
                         "quarantine_days, pool, allocation, released)\n");
}

TEST_F(Cli, ReadOnlyRegistryIsRefusedAndUnchanged) {
    init();
    ::chmod(registry().c_str(), 0444);
    auto r = expect_unchanged({"allocate", "ntfy"}, 3);
    EXPECT_TRUE(contains(r.err, "the file is read-only (mode 0444); not changed"));
    // Reading still works, and an idempotent allocate needs no write.
    EXPECT_EQ(run({"allocate", "ceph-rgw"}).out, "25080\n");
}

TEST_F(Cli, CheckReportsRegistryConflictsAsErrorsWithPositions) {
    init();
    write_text(registry(),
               "[[allocation]]\nname = \"ceph-rgw\"\nport = 25080\n\n"
               "[[allocation]]\nname = \"ntfy\"\nport = 25080\n");
    auto r = run({"check", "--json"});
    EXPECT_EQ(r.exit_code, 1);
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["errors"], 1);
    EXPECT_EQ(j["warnings"], 5);
    EXPECT_EQ(j["findings"][0]["code"], "duplicate-port");
    EXPECT_EQ(j["findings"][0]["severity"], "error");
    EXPECT_EQ(j["findings"][0]["message"],
              registry().string() + ":5:1: duplicate port 25080/tcp (ceph-rgw, ntfy)");
    EXPECT_EQ(j["findings"][0]["service"], "ntfy");
    // Other commands refuse the invalid registry outright.
    EXPECT_EQ(run({"allocate", "x"}).exit_code, 2);
}

TEST_F(Cli, CheckOnTheDefaultExitsZeroWithWarnings) {
    auto r = run({"check", "--json"});
    EXPECT_EQ(r.exit_code, 0);
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["errors"], 0);
    EXPECT_EQ(j["warnings"], 5);
    for (const auto& f : j["findings"]) {
        EXPECT_TRUE(f.contains("severity") && f.contains("code") && f.contains("message"));
    }
}

TEST_F(Cli, ListJsonHasTheContractShape) {
    init();
    ASSERT_EQ(run({"allocate", "dns", "--protocol", "tcp+udp", "--owner", "net team"}).exit_code,
              0);
    auto j = nlohmann::json::parse(run({"list", "--json"}).out);
    ASSERT_EQ(j["allocations"].size(), 3U);
    bool found = false;
    for (const auto& a : j["allocations"]) {
        if (a["name"] == "dns") {
            found = true;
            EXPECT_EQ(a["protocols"], nlohmann::json::array({"tcp", "udp"}));
            EXPECT_EQ(a["owner"], "net team");
            EXPECT_TRUE(a["pool"].is_null());
        }
    }
    EXPECT_TRUE(found);
    auto metrics = nlohmann::json::parse(run({"list", "--json", "--pool", "metrics"}).out);
    EXPECT_TRUE(metrics["allocations"].empty());
    EXPECT_EQ(run({"list", "--pool", "metric"}).exit_code, 1);
}

TEST_F(Cli, ReleaseQuarantinesAndSuggestsNames) {
    init();
    auto r = run({"release", "ceph-rgw"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(std::regex_match(r.out, std::regex("released ceph-rgw 25080/tcp; quarantined until "
                                                   "20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\n")))
        << r.out;
    EXPECT_TRUE(contains(read_text(registry()), "[[released]]\nname = \"ceph-rgw\"\nport = 25080"));
    auto pin = expect_unchanged({"allocate", "web", "--port", "25080"}, 1);
    EXPECT_TRUE(contains(pin.err, "in quarantine after ceph-rgw was released"));
    auto unknown = expect_unchanged({"release", "internal-http"}, 1);
    EXPECT_EQ(unknown.err, "harmony-ports: error: " + registry().string() +
                               ": no allocation named 'internal-http' (did you mean "
                               "internal-https?)\n");
}

TEST_F(Cli, AllocatingAReleasedNameWithAnotherCountKeepsItsOldQuarantine) {
    init();
    auto first = run({"allocate", "ntfy"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string old = first.out.substr(0, first.out.size() - 1);
    ASSERT_EQ(run({"release", "ntfy"}).exit_code, 0);
    auto again = run({"allocate", "ntfy", "--count", "2"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_TRUE(std::regex_match(again.out, std::regex("25[0-9]{3}-25[0-9]{3}\n"))) << again.out;
    EXPECT_NE(again.out.substr(0, old.size()), old);  // the old port stays out of reach
    const std::string text = read_text(registry());
    EXPECT_TRUE(contains(text, "[[released]]\nname = \"ntfy\"\nport = " + old + "\n")) << text;
    auto j = nlohmann::json::parse(run({"list", "--json"}).out);
    std::string block;
    for (const auto& a : j["allocations"]) {
        if (a["name"] == "ntfy") {
            block =
                std::to_string(a["first"].get<int>()) + "-" + std::to_string(a["last"].get<int>());
        }
    }
    EXPECT_EQ(block + "\n", again.out);
    EXPECT_TRUE(std::regex_search(run({"list"}).out, std::regex("ntfy +" + old + " +tcp +20")));
    auto pin = expect_unchanged({"allocate", "web", "--port", old}, 1);
    EXPECT_TRUE(contains(pin.err, "port " + old + " is in quarantine after ntfy was released"))
        << pin.err;
}

TEST_F(Cli, FindsTheRegistryByWalkingUpAndHonoursOverrides) {
    init();
    fs::create_directories(m_dir.path() / "deep" / "er");
    auto r = harmony_ports({"allocate", "ntfy"}, m_dir.path() / "deep" / "er");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(read_text(registry()), "\"ntfy\""));

    TempDir other;
    auto env = harmony_ports({"list", "--json"}, other.path(),
                             {{"HARMONY_PORTS_REGISTRY", registry().string()}});
    EXPECT_TRUE(contains(env.out, "\"ntfy\""));
    auto flag = harmony_ports({"--registry", registry().string(), "list", "--json"}, other.path());
    EXPECT_EQ(flag.out, env.out);
}

TEST_F(Cli, ExportsMarkdownAndJson) {
    init();
    auto md = run({"export", "--format", "markdown"});
    EXPECT_EQ(md.exit_code, 0);
    EXPECT_TRUE(contains(md.out, "| ceph-rgw | 25080 | TCP | — |"));
    auto json = nlohmann::json::parse(run({"export", "--format", "json"}).out);
    EXPECT_EQ(json["schema_version"], 1);
    EXPECT_EQ(json["allocations"][0]["name"], "ceph-rgw");
    EXPECT_EQ(run({"export", "--format", "markdown", "--output", "ports.md"}).exit_code, 0);
    EXPECT_EQ(read_text(m_dir.path() / "ports.md"), md.out);
    auto bad = run({"export", "--format", "pdf"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_TRUE(contains(bad.err, "unknown export format 'pdf'"));
}

TEST_F(Cli, UsageErrorsAreExit2WithSuggestions) {
    auto typo = run({"alocate", "x"});
    EXPECT_EQ(typo.exit_code, 2);
    EXPECT_EQ(typo.err,
              "harmony-ports: error: unknown command 'alocate' (did you mean allocate?)\n");
    EXPECT_EQ(run({"list", "--bogus"}).exit_code, 2);
    EXPECT_EQ(run({"allocate"}).exit_code, 2);
}

TEST_F(Cli, EverySubcommandHasHelpAndThereIsAVersion) {
    for (const char* cmd : {"init", "list", "allocate", "release", "check", "export"}) {
        auto r = run({cmd, "--help"});
        EXPECT_EQ(r.exit_code, 0) << cmd;
        EXPECT_TRUE(contains(r.out, "Usage")) << cmd << r.out;
    }
    auto v = run({"--version"});
    EXPECT_EQ(v.exit_code, 0);
    EXPECT_TRUE(std::regex_search(v.out, std::regex("^harmony-ports [0-9]+\\.[0-9]+\\.[0-9]+")));
}

TEST_F(Cli, HarmonyTomlAloneSetsTheRangeOfTheEmbeddedDefault) {
    write_text(m_dir.path() / "harmony.toml",
               "[harmony.network.defaults]\norchestrator_port_range = \"30000-30999\"\n");
    fs::create_directories(m_dir.path() / "sub");
    auto r = harmony_ports({"check"}, m_dir.path() / "sub");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.out, "[range-overlaps-nodeport]")) << r.out;
    write_text(m_dir.path() / "harmony.toml",
               "[harmony.network.defaults]\norchestrator_port_range = \"9-1\"\n");
    EXPECT_EQ(run({"list"}).exit_code, 2);
}

TEST_F(Cli, TwoRegistryFilesInOneFolderAreAmbiguous) {
    init();
    write_text(m_dir.path() / "harmony.network.ports.yaml", "schema_version: 1\n");
    auto r = run({"list"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(contains(r.err, "keep one registry per folder")) << r.err;
}

TEST_F(Cli, InitNeverRewritesHarmonyToml) {
    const std::string config =
        "cluster = \"prod\"\n[harmony.network.defaults]\norchestrator_port_range = "
        "\"25000-25999\"\nmtu = 9000\n";
    write_text(m_dir.path() / "harmony.toml", config);
    auto r = run({"init", "--range", "26000-26999", "--force"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_TRUE(contains(r.err, "init never rewrites harmony.toml")) << r.err;
    EXPECT_EQ(read_text(m_dir.path() / "harmony.toml"), config);
    EXPECT_EQ(run({"init"}).exit_code, 0);  // same range: the registry is written beside it
    EXPECT_EQ(read_text(m_dir.path() / "harmony.toml"), config);
}

TEST_F(Cli, ReleaseChecksTheNameAndPortZeroIsNeverHandedOut) {
    init();
    auto bad = expect_unchanged({"release", "a;b"}, 2);
    EXPECT_TRUE(contains(bad.err, "invalid service name")) << bad.err;
    TempDir zero;
    ASSERT_EQ(harmony_ports({"init", "--empty", "--range", "0-0"}, zero.path()).exit_code, 0);
    EXPECT_EQ(harmony_ports({"allocate", "z", "--allow-registered"}, zero.path()).exit_code, 1);
    EXPECT_EQ(harmony_ports({"allocate", "z", "--port", "0"}, zero.path()).exit_code, 2);
}

TEST_F(Cli, ExpiredQuarantineAloneCausesNoWrite) {
    init();
    write_text(registry(), read_text(registry()) +
                               "\n[[released]]\nname = \"old\"\nport = 25301\nprotocols = "
                               "[\"tcp\"]\nreleased = \"2020-01-01T00:00:00Z\"\nuntil = "
                               "\"2020-01-31T00:00:00Z\"\n");
    ::chmod(registry().c_str(), 0444);
    auto r = run({"allocate", "ceph-rgw"});  // idempotent: must not need to write
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "25080\n");
}
