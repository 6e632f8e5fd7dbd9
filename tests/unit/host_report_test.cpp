// Host reports: made through a fake scanner, rendered canonically, read back strictly, and
// bad input refused as a parse_error naming the host and the field.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include <harmony/network/host_report.hpp>

using namespace harmony::network;

namespace {

class OneSocket final : public HostScanner {
  public:
    Expected<ScanResult> scan(const ScanOptions& options) const override {
        seen = options;
        Listener l;
        l.port = 25101;
        l.address = "0.0.0.0";
        l.inode = 77;
        l.uid = 1000;
        l.pid = 42;
        l.process = "web-server";
        l.sharers = {{43, "web-worker"}};
        ScanResult r;
        r.listeners = {l};
        r.owners_unknown = 1;
        r.owners_other_users = 1;
        return r;
    }
    mutable ScanOptions seen;
};

HostReport sample() {
    OneSocket scanner;
    HostFacts facts{PortRange{32768, 60999}, std::vector<PortRange>{{25000, 25999}}};
    auto report = make_host_report({"node-1", std::chrono::seconds(30), k_adr014_range,
                                    ScanSource::automatic, *parse_time("2026-12-01T10:00:00Z")},
                                   scanner, facts);
    EXPECT_TRUE(report) << report.error().message;
    return *report;
}

std::string error_of(std::string_view text, std::string_view host = "node-1") {
    auto r = parse_host_report(text, host);
    EXPECT_FALSE(r);
    return r ? std::string{} : r.error().message;
}

}  // namespace

TEST(HostReport, ScansTheRangeWithEveryHolder) {
    OneSocket scanner;
    auto report =
        make_host_report({"node-1", std::chrono::seconds(5), {25000, 25099}}, scanner, HostFacts{});
    ASSERT_TRUE(report);
    EXPECT_EQ(scanner.seen.ports, (PortRange{25000, 25099}));
    EXPECT_EQ(scanner.seen.owners, OwnerSearch::all);
    EXPECT_EQ(report->scan.listeners.size(), 1U);
}

TEST(HostReport, RefusesBadHostNamesAndIntervals) {
    OneSocket scanner;
    for (const char* bad : {"", ".a", "a.", "a..b", "a b", "a*", "a>b", "a/b"}) {
        EXPECT_FALSE(make_host_report({bad}, scanner, {})) << bad;
    }
    EXPECT_FALSE(validate_host_name(std::string(254, 'a')));
    EXPECT_TRUE(validate_host_name(std::string(253, 'a')));
    EXPECT_TRUE(validate_host_name("Node_1.example-2.org"));
    EXPECT_FALSE(make_host_report({"h", std::chrono::seconds(0)}, scanner, {}));
    EXPECT_FALSE(make_host_report({"h", std::chrono::seconds(86401)}, scanner, {}));
}

TEST(HostReport, RendersCanonicallyAndReadsBack) {
    const HostReport report = sample();
    const std::string text = render_host_report(report);
    EXPECT_EQ(text.rfind(R"({"schema":1,"host":"node-1","published_at":"2026-12-01T10:00:00Z",)"
                         R"("interval":30,"range":{"first":25000,"last":25999},)",
                         0),
              0U)
        << text;
    auto back = parse_host_report(text, "node-1");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->host, report.host);
    EXPECT_EQ(back->published_at, report.published_at);
    EXPECT_EQ(back->interval, report.interval);
    EXPECT_EQ(back->range, report.range);
    EXPECT_EQ(back->facts.linux_ephemeral, report.facts.linux_ephemeral);
    EXPECT_EQ(back->facts.reserved, report.facts.reserved);
    EXPECT_EQ(back->scan.listeners, report.scan.listeners);
    EXPECT_EQ(back->scan.owners_unknown, 1U);
    EXPECT_EQ(back->scan.owners_other_users, 1U);
    EXPECT_EQ(render_host_report(*back), text);
}

TEST(HostReport, UnsetFactsStayUnset) {
    HostReport report = sample();
    report.facts = {};
    auto back = parse_host_report(render_host_report(report), "node-1");
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->facts.linux_ephemeral);
    EXPECT_FALSE(back->facts.reserved);
}

TEST(HostReport, BadInputIsAParseErrorNamingHostAndField) {
    const std::string good = render_host_report(sample());
    auto with = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        s.replace(s.find(from), from.size(), to);
        return s;
    };
    EXPECT_EQ(error_of("{"),
              "host node-1:1:2: invalid JSON: syntax error while parsing object key - unexpected "
              "end of input; expected string literal");
    EXPECT_EQ(error_of("[]"), "host node-1: report: expected an object");
    EXPECT_EQ(error_of(good, "node-2"), "host node-2: host: the report names host 'node-1'");
    EXPECT_EQ(error_of(with("\"schema\":1", "\"schema\":2")), "host node-1: schema: expected 1");
    EXPECT_EQ(error_of(with("\"interval\":30", "\"interval\":0")),
              "host node-1: interval: expected 1-86400");
    EXPECT_EQ(error_of(with("\"port\":25101", "\"port\":65536")),
              "host node-1: sockets[0].port: expected 1-65535");
    EXPECT_EQ(error_of(with("\"protocol\":\"tcp\"", "\"protocol\":\"sctp\"")),
              "host node-1: sockets[0].protocol: expected \"tcp\" or \"udp\"");
    EXPECT_EQ(error_of(with("\"uid\":1000", "\"uid\":-1")),
              "host node-1: sockets[0].uid: expected 0-4294967295");
    EXPECT_EQ(error_of(with("\"inode\":77", "\"inode\":18446744073709551615")),
              "host node-1:1:357: number 18446744073709551615 is out of range");
    EXPECT_EQ(error_of(with("\"inode\":77", "\"inode\":-7")),
              "host node-1: sockets[0].inode: expected 0-9223372036854775807");
    EXPECT_EQ(error_of(with("\"range\":{\"first\":25000,\"last\":25999}",
                            "\"range\":{\"first\":25999,\"last\":25000}")),
              "host node-1: range.last: expected 25999-65535");
    EXPECT_EQ(error_of(with("\"schema\":1,", "\"schema\":1,\"extra\":true,")),
              "host node-1: report: unknown key \"extra\"");
    EXPECT_EQ(error_of(with("\"sharers\":[", "\"sharers\":7,\"x\":[")),
              "host node-1: sockets[0]: unknown key \"x\"");
    EXPECT_EQ(error_of(with("\"process\":\"web-server\"",
                            "\"process\":\"" + std::string(65, 'p') + "\"")),
              "host node-1: sockets[0].process: longer than 64 bytes");
    EXPECT_EQ(
        error_of(with("\"published_at\":\"2026-12-01T10:00:00Z\"", "\"published_at\":\"soon\""))
            .rfind("host node-1: published_at: ", 0),
        0U);
    EXPECT_EQ(error_of(std::string(k_max_host_report_bytes + 1, ' ')),
              "host node-1: the report is larger than 1024 KiB, the most a report may hold");
    EXPECT_EQ(error_of(std::string(100, '[') + std::string(100, ']')),
              "host node-1:1:65: nested deeper than 64 levels");
    EXPECT_EQ(error_of("1e400"), "host node-1:1:1: number 1e400 is out of range");
    EXPECT_EQ(parse_host_report(good, "bad host").error().code, ErrorCode::invalid_argument);
}

TEST(HostReport, TheFuzzSeedsReadAsTheirNamesSay) {
    for (const char* name :
         {"two_sockets.json", "no_facts.json", "regress_other_host.json", "regress_numbers.json"}) {
        std::ifstream in(std::string(HARMONY_PORTS_FUZZ_CORPUS) + "/host_report_fuzz/" + name);
        const std::string text((std::istreambuf_iterator<char>(in)), {});
        ASSERT_FALSE(text.empty()) << name;
        EXPECT_EQ(parse_host_report(text, "node-1").has_value(),
                  std::string_view(name).rfind("regress_", 0) != 0)
            << name;
    }
}
