// End-to-end: habits users bring from kubectl and git (issue 13): `get NAME`, one JSON shape
// for an allocation, infos in `check --json`, errors as JSON under --json, `-` for standard
// input, and `--dry-run` for allocate and release.
#include <gtest/gtest.h>

#include <regex>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli/nats_server.hpp"
#include "cli/netns.hpp"
#include "cli/run_process.hpp"
#include "cli/store_support.hpp"

using namespace harmony::testing;
namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

const fs::path k_data = HARMONY_PORTS_TEST_DATA;

class Habits : public ::testing::Test {
  protected:
    void SetUp() override {
        for (auto args : std::vector<std::vector<std::string>>{
                 {"init"},
                 {"allocate", "ntfy", "--port", "25253", "--owner", "ops", "--notes", "push",
                  "--process", "ntfy"},
                 {"allocate", "dns", "--port", "25053", "--protocol", "udp"}}) {
            auto r = run(args);
            ASSERT_EQ(r.exit_code, 0) << r.err;
        }
    }
    ProcessResult run(const std::vector<std::string>& args) {
        return harmony_ports(args, m_dir.path());
    }
    ProcessResult piped(const std::vector<std::string>& args, const std::string& input) {
        return harmony_ports_with_input(args, m_dir.path(), input);
    }
    fs::path registry() const { return m_dir.path() / "harmony.network.ports.toml"; }
    TempDir m_dir;
};

// The allocation named `name` in a JSON array of allocations, re-serialized (key order kept).
std::string allocation_in(const ordered_json& list, const std::string& name) {
    for (const auto& a : list) {
        if (a["name"] == name) {
            return a.dump();
        }
    }
    return "(missing)";
}

// What a user can see of a file without reading it: size, mode, modification time.
std::string stat_of(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return "(none)";
    }
    return std::to_string(st.st_size) + " " + std::to_string(st.st_mode) + " " +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

std::vector<std::string> entries_of(const fs::path& folder) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(folder)) {
        out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_F(Habits, GetShowsOneAllocationInFull) {
    auto r = run({"get", "ntfy"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out,
              "Name:       ntfy\n"
              "State:      allocated\n"
              "Ports:      25253\n"
              "Protocols:  tcp\n"
              "Pool:       default\n"
              "Owner:      ops\n"
              "Notes:      push\n"
              "Process:    ntfy\n"
              "Quarantine: (none)\n");
}

TEST_F(Habits, GetShowsAReleasedNameAsQuarantinedUntilItsDate) {
    auto released = run({"release", "ntfy", "--json"});
    ASSERT_EQ(released.exit_code, 0) << released.err;
    const std::string until = ordered_json::parse(released.out)["until"];
    auto r = run({"get", "ntfy"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "Name:       ntfy\n"
              "State:      quarantined\n"
              "Quarantine: \n"
              "  25253/tcp until " +
                  until + "\n");
    auto j = run({"get", "ntfy", "--json"});
    EXPECT_EQ(j.exit_code, 0) << j.err;
    const auto doc = ordered_json::parse(j.out);
    EXPECT_EQ(doc["state"], "quarantined");
    ASSERT_EQ(doc["quarantine"].size(), 1U) << j.out;
    EXPECT_EQ(doc["quarantine"][0]["until"], until);
    EXPECT_EQ(doc["quarantine"][0]["first"], 25253);
    EXPECT_FALSE(doc.contains("first")) << j.out;
}

TEST_F(Habits, GetOfAnUnknownNameSuggestsTheClosestOne) {
    auto r = run({"get", "ntfx"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "harmony-ports: error: no allocation named 'ntfx' in " + registry().string() +
                         " (did you mean ntfy?)\n");
    auto far = run({"get", "zzzzzzzz"});
    EXPECT_EQ(far.exit_code, 1);
    EXPECT_EQ(far.err, "harmony-ports: error: no allocation named 'zzzzzzzz' in " +
                           registry().string() + "\n");
}

// list --json, get --json and export --format json give the same allocation the same object.
TEST_F(Habits, AnAllocationHasOneJsonShapeEverywhere) {
    auto list = run({"list", "--json"});
    auto get = run({"get", "ntfy", "--json"});
    auto exported = run({"export", "--format", "json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    ASSERT_EQ(get.exit_code, 0) << get.err;
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    const std::string from_list =
        allocation_in(ordered_json::parse(list.out)["allocations"], "ntfy");
    EXPECT_EQ(from_list, R"({"name":"ntfy","first":25253,"last":25253,"protocols":["tcp"],)"
                         R"("pool":null,"owner":"ops","notes":"push","process":"ntfy"})");
    const auto export_doc = ordered_json::parse(exported.out);
    EXPECT_EQ(allocation_in(export_doc["allocations"], "ntfy"), from_list);
    auto from_get = ordered_json::parse(get.out);
    EXPECT_EQ(from_get["state"], "allocated");
    EXPECT_EQ(from_get["quarantine"], ordered_json::array());
    from_get.erase("state");
    from_get.erase("quarantine");
    EXPECT_EQ(from_get.dump(), from_list);
}

TEST_F(Habits, CheckJsonCountsInfos) {
    // In an empty network namespace every registered port is not-listening: an info each.
    auto r = harmony_ports_in_fresh_netns({"check", "--host", "--json"}, m_dir.path());
    const auto doc = ordered_json::parse(r.out);
    int infos = 0;
    for (const auto& f : doc["findings"]) {
        infos += f["severity"] == "info" ? 1 : 0;
    }
    ASSERT_TRUE(doc.contains("infos")) << r.out;
    EXPECT_EQ(doc["infos"], infos);
    if (::geteuid() == 0) {
        EXPECT_GT(infos, 0) << r.out;
    }
}

TEST_F(Habits, ABrokenRegistryUnderJsonIsOneJsonErrorWithItsPosition) {
    write_text(registry(), "schema_version = 1\n[[allocation]\nname = \"x\"\n");
    auto text = run({"list"});
    EXPECT_EQ(text.exit_code, 2);
    const std::string prefix = "harmony-ports: error: " + registry().string() + ":2:";
    ASSERT_EQ(text.err.rfind(prefix, 0), 0U) << text.err;
    auto r = run({"list", "--json"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    const auto doc = ordered_json::parse(r.err);
    const auto& e = doc["error"];
    EXPECT_EQ(e["code"], "parse-error");
    EXPECT_EQ(e["file"], registry().string());
    EXPECT_EQ(e["line"], 2);
    EXPECT_TRUE(e["column"].is_number_integer());
    // The message is the text form's, word for word.
    EXPECT_EQ("harmony-ports: error: " + e["message"].get<std::string>() + "\n", text.err);
}

TEST_F(Habits, ARegistryBreakingTheRulesUnderJsonNamesItsFirstPosition) {
    write_text(registry(),
               "schema_version = 1\n\n[[allocation]]\nname = \"Bad_Name\"\nport = 25100\n");
    auto r = run({"list", "--json"});
    EXPECT_EQ(r.exit_code, 2);
    const auto e = ordered_json::parse(r.err)["error"];
    EXPECT_EQ(e["code"], "invalid-registry");
    EXPECT_EQ(e["file"], registry().string());
    EXPECT_EQ(e["line"], 4);
}

TEST_F(Habits, UsageErrorsAndHintsUnderJsonAreJsonToo) {
    auto usage = run({"list", "--json", "--bogus"});
    EXPECT_EQ(usage.exit_code, 2);
    const auto e = ordered_json::parse(usage.err)["error"];
    EXPECT_EQ(e["code"], "invalid-argument");
    EXPECT_NE(e["message"].get<std::string>().find("--bogus"), std::string::npos) << usage.err;
    EXPECT_FALSE(e.contains("file"));
    auto text = run({"list", "--bogus"});
    EXPECT_EQ(text.exit_code, 2);
    EXPECT_EQ(text.err.rfind("harmony-ports: error: ", 0), 0U) << text.err;

    TempDir empty;
    auto none = harmony_ports({"allocate", "web", "--json"}, empty.path());
    EXPECT_EQ(none.exit_code, 1);
    const auto n = ordered_json::parse(none.err)["error"];
    EXPECT_EQ(n["code"], "not-found");
    EXPECT_NE(n["hint"].get<std::string>().find("harmony-ports init"), std::string::npos)
        << none.err;
}

TEST_F(Habits, ErrorMessagesUnderJsonHoldNoRawControls) {
    auto r = run({"get", "bad\x1b[31mname", "--json"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
    const auto e = ordered_json::parse(r.err)["error"];
    EXPECT_EQ(e["message"].get<std::string>().find('\x1b'), std::string::npos);
}

TEST_F(Habits, KubectlOutputCanBePipedIn) {
    const std::string file = (k_data / "kube/pods-services.json").string();
    auto from_file = run({"check", "--json", "--kube", file});
    auto from_pipe = piped({"check", "--json", "--kube", "-"}, read_text(file));
    EXPECT_EQ(from_pipe.exit_code, 1) << from_pipe.err;
    EXPECT_EQ(from_pipe.out, from_file.out);
    auto bad = piped({"check", "--kube", "-"}, "{\n  \"items\": [\n    {\"kind\": }\n");
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.err.rfind("harmony-ports: error: <stdin>:3:", 0), 0U) << bad.err;
    auto as_json =
        piped({"check", "--json", "--kube", "-"}, "{\n  \"items\": [\n    {\"kind\": }\n");
    EXPECT_EQ(ordered_json::parse(as_json.err)["error"]["file"], "<stdin>") << as_json.err;
}

TEST_F(Habits, ATopologyCanBePipedIn) {
    auto good = piped({"check", "--topology", "-"}, read_text(k_data / "topology/good.toml"));
    EXPECT_EQ(good.exit_code, 0) << good.err << good.out;
    auto bad = piped({"check", "--topology", "-"}, read_text(k_data / "topology/malformed.toml"));
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_EQ(bad.err.rfind("harmony-ports: error: <stdin>:2:8: invalid cluster name", 0), 0U)
        << bad.err;
}

TEST_F(Habits, AllocateDryRunPrintsThePortAndWritesNothing) {
    const std::string before = read_text(registry());
    const std::string stat_before = stat_of(registry());
    const auto folder_before = entries_of(m_dir.path());
    auto r = run({"allocate", "web", "--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    ASSERT_TRUE(std::regex_match(r.out, std::regex("25[0-9]{3}\n"))) << r.out;
    const std::string port = r.out.substr(0, r.out.size() - 1);
    EXPECT_EQ(r.err,
              "harmony-ports: dry run: would allocate web at " + port + "/tcp (nothing written)\n");
    EXPECT_EQ(read_text(registry()), before);
    EXPECT_EQ(stat_of(registry()), stat_before);
    EXPECT_EQ(entries_of(m_dir.path()), folder_before);
    auto real = run({"allocate", "web"});
    EXPECT_EQ(real.out, r.out);  // the preview is what the real run gives

    auto again = run({"allocate", "ntfy", "--dry-run"});
    EXPECT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(again.out, "25253\n");
    EXPECT_EQ(again.err, "harmony-ports: dry run: ntfy already has 25253/tcp (nothing to write)\n");
}

TEST_F(Habits, ReleaseDryRunSaysWhatWouldBeReleasedAndWritesNothing) {
    const std::string before = read_text(registry());
    const std::string stat_before = stat_of(registry());
    auto r = run({"release", "dns", "--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(std::regex_match(
        r.err, std::regex("harmony-ports: dry run: would release dns \\(25053/udp\\), quarantined "
                          "until 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\n")))
        << r.err;
    EXPECT_EQ(read_text(registry()), before);
    EXPECT_EQ(stat_of(registry()), stat_before);
    auto unknown = run({"release", "nope", "--dry-run"});
    EXPECT_EQ(unknown.exit_code, 1) << unknown.err;
    EXPECT_EQ(read_text(registry()), before);
}

TEST_F(Habits, GetHostShowsWhatHoldsItsPortsNow) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "needs root to create network namespaces (CI runs as root)";
    }
    Netns ns;
    Listeners web(ns, {"--comm", "hp-ntfy", "tcp4:25253"});
    auto r = run({"get", "ntfy", "--host", "--netns", ns.name()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Holders:    \n  25253/tcp hp-ntfy (pid " + std::to_string(web.pid()) +
                         ") on 0.0.0.0\n"),
              std::string::npos)
        << r.out;
    auto free = run({"get", "dns", "--host", "--netns", ns.name(), "--json"});
    EXPECT_EQ(free.exit_code, 0) << free.err;
    const auto holders = ordered_json::parse(free.out)["holders"];
    EXPECT_EQ(holders.dump(), R"([{"first":25053,"last":25053,"protocol":"udp","address":null,)"
                              R"("pid":null,"process":null,"service":"dns",)"
                              R"("expected_process":null,"verdict":"not-listening"}])");
    auto held = run({"get", "ntfy", "--host", "--netns", ns.name(), "--json"});
    const auto rows = ordered_json::parse(held.out)["holders"];
    ASSERT_EQ(rows.size(), 1U) << held.out;
    EXPECT_EQ(rows[0]["pid"], web.pid());
    EXPECT_EQ(rows[0]["process"], "hp-ntfy");
    EXPECT_EQ(rows[0]["verdict"], "wrong-process");  // the registry expects ntfy
}

// On a fleet store a dry run computes on what the store holds and commits nothing.
TEST(HabitsStore, DryRunsLeaveTheFleetStoreAsItWas) {
    SKIP_WITHOUT_NATS_SERVER();
    NatsServer server;
    const Args store = store_args(server.url(), 10);
    TempDir work;
    ASSERT_EQ(hp(store, {"store", "init"}, work.path()).exit_code, 0);
    const std::string before = hp(store, {"store", "snapshot"}, work.path()).out;
    auto allocate = hp(store, {"allocate", "web", "--dry-run"}, work.path());
    EXPECT_EQ(allocate.exit_code, 0) << allocate.err;
    EXPECT_NE(allocate.err.find("harmony-ports: dry run: would allocate web at "),
              std::string::npos)
        << allocate.err;
    auto release = hp(store, {"release", "ceph-rgw", "--dry-run"}, work.path());
    EXPECT_EQ(release.exit_code, 0) << release.err;
    EXPECT_NE(release.err.find("would release ceph-rgw (25080/tcp), quarantined until "),
              std::string::npos)
        << release.err;
    EXPECT_EQ(hp(store, {"store", "snapshot"}, work.path()).out, before);
    auto real = hp(store, {"allocate", "web"}, work.path());
    EXPECT_EQ(real.out, allocate.out);
}

TEST_F(Habits, ExportReadsItsTopologyFromStandardInputToo) {
    const fs::path file = k_data / "topology/good.toml";
    auto from_file = run({"export", "--format", "cpp", "--topology", file.string()});
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    auto from_pipe = piped({"export", "--format", "cpp", "--topology", "-"}, read_text(file));
    EXPECT_EQ(from_pipe.exit_code, 0) << from_pipe.err;
    EXPECT_EQ(from_pipe.out, from_file.out);
}
