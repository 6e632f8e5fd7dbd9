#include <gtest/gtest.h>

#include <algorithm>

#include <harmony/network/known_ports.hpp>
#include <harmony/network/policy.hpp>

using namespace harmony::network;

namespace {

std::vector<std::string> codes(const std::vector<Finding>& findings, Severity severity) {
    std::vector<std::string> out;
    for (const auto& f : findings) {
        if (f.severity == severity) {
            out.push_back(f.code + (f.platform.empty() ? "" : ":" + f.platform));
        }
    }
    return out;
}

HostFacts linux_default() {
    return HostFacts{PortRange{32768, 60999}, std::nullopt};
}

}  // namespace

TEST(Policy, Adr014DefaultOnADefaultLinuxHostHasWarningsButNoErrors) {
    auto findings = check_policy(adr014_default_registry(), linux_default());
    EXPECT_TRUE(codes(findings, Severity::error).empty());
    EXPECT_EQ(codes(findings, Severity::warning),
              (std::vector<std::string>{
                  "range-overlaps-ephemeral:freebsd", "range-overlaps-ephemeral:opnsense",
                  "range-overlaps-allocator:nomad", "iana-registered", "known-software"}));
}

TEST(Policy, NodePortOverlapIsAnErrorWithAdvice) {
    Registry r;
    r.range = {29000, 30999};
    auto findings = check_policy(r, linux_default());
    auto it = std::find_if(findings.begin(), findings.end(),
                           [](const Finding& f) { return f.code == "range-overlaps-nodeport"; });
    ASSERT_NE(it, findings.end());
    EXPECT_EQ(it->severity, Severity::error);
    EXPECT_EQ(it->ports, (PortRange{30000, 30999}));
    EXPECT_NE(it->message.find("move the range below 30000"), std::string::npos);
    EXPECT_EQ(findings.front().severity, Severity::error);  // most severe first
}

TEST(Policy, LinuxDefaultEphemeralOverlapIsAnError) {
    Registry r;
    r.range = {60000, 60999};
    auto errors = codes(check_policy(r, linux_default()), Severity::error);
    EXPECT_NE(std::find(errors.begin(), errors.end(), "range-overlaps-ephemeral:linux"),
              errors.end());
}

TEST(Policy, ThisHostsTunedEphemeralRangeIsChecked) {
    Registry r;  // 25000-25999
    auto tuned = check_policy(r, HostFacts{PortRange{1024, 65535}, std::nullopt});
    auto it = std::find_if(tuned.begin(), tuned.end(), [](const Finding& f) {
        return f.code == "range-overlaps-ephemeral" && f.severity == Severity::error;
    });
    ASSERT_NE(it, tuned.end());
    EXPECT_NE(it->message.find("this host's ephemeral range 1024-65535"), std::string::npos);
    EXPECT_NE(it->message.find("net.ipv4.ip_local_reserved_ports = 25000-25999"),
              std::string::npos);
}

TEST(Policy, SystemPortsAreAnError) {
    Registry r;
    r.range = {1000, 1999};
    auto errors = codes(check_policy(r, linux_default()), Severity::error);
    EXPECT_NE(std::find(errors.begin(), errors.end(), "range-overlaps-system:all"), errors.end());
}

TEST(Policy, AllocationOnARegisteredPortIsAWarningNamingBoth) {
    Registry r;
    r.allocations.push_back(Allocation{"game", {25565, 25565}, Protocols::tcp, "", "", "", "", {}});
    auto findings = check_policy(r, linux_default());
    auto it = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
        return f.code == "known-software" && f.service == "game";
    });
    ASSERT_NE(it, findings.end());
    EXPECT_EQ(it->severity, Severity::warning);
    EXPECT_NE(it->message.find("minecraft-java"), std::string::npos);
}

TEST(KnownPorts, Adr014BlockHoldsTheDocumentedAssignments) {
    // shared/data/README.md: 21 IANA-assigned ports in 25000-25999, plus 7 more ports that only
    // known software uses by default: 28 ports the rule skips.
    int skipped = 0;
    for (std::uint32_t p = 25000; p <= 25999; ++p) {
        skipped += is_registered_or_known(static_cast<Port>(p)) ? 1 : 0;
    }
    EXPECT_EQ(skipped, 28);
    auto iana = iana_assignments_in({25100, 25100});
    ASSERT_EQ(iana.size(), 1U);
    EXPECT_EQ(iana[0].service, "db2c-tls");
    EXPECT_FALSE(is_registered_or_known(25080));
    EXPECT_TRUE(is_registered_or_known(25565));
    EXPECT_TRUE(is_registered_or_known(25471));  // sctp only, still skipped for every protocol
}

// Messages speak of the data; the remedy is a Hint the caller words (no CLI flags or commands).
TEST(Policy, RemediesAreHintsNotCommandLines) {
    Registry r = adr014_default_registry();
    r.allocations.push_back(Allocation{"x", {25000, 25000}, Protocols::tcp, "", "", "", "", {}});
    auto findings = check_policy(r, linux_default());
    for (const auto& f : findings) {
        EXPECT_EQ(f.message.find("harmony-ports"), std::string::npos) << f.message;
        EXPECT_EQ(f.message.find("--allow"), std::string::npos) << f.message;
    }
    auto range_level = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
        return f.code == "iana-registered" && f.service.empty();
    });
    ASSERT_NE(range_level, findings.end());
    EXPECT_EQ(range_level->hint.kind, HintKind::allow_registered);
    EXPECT_NE(range_level->message.find("; allocate skips them unless registered ports are "
                                        "allowed"),
              std::string::npos)
        << range_level->message;
    auto on_x = std::find_if(findings.begin(), findings.end(), [](const Finding& f) {
        return f.code == "iana-registered" && f.service == "x";
    });
    ASSERT_NE(on_x, findings.end());
    EXPECT_EQ(on_x->hint.kind, HintKind::reallocate);
    EXPECT_EQ(on_x->hint.subject, "x");
    EXPECT_EQ(on_x->message.rfind("x 25000/tcp sits on IANA-registered 25000", 0), 0U)
        << on_x->message;
}
