// Firewall export rendering: exact shapes, rule splitting, and hostile input in the source
// label. The real validators (nft, iptables-restore, firewalld, xmllint) run in
// tests/cli/export_cli_test.cpp.
#include <gtest/gtest.h>

#include <harmony/network/allocator.hpp>
#include <harmony/network/export.hpp>

using namespace harmony::network;

namespace {

Registry with_allocations(int singles) {
    PortAllocator a(adr014_default_registry());
    for (int i = 0; i < singles; ++i) {
        AllocateOptions o;
        o.port = static_cast<Port>(25600 + 2 * i);  // never adjacent: one multiport slot each
        o.protocols = i % 2 == 0 ? Protocols::tcp : Protocols::tcp_udp;
        EXPECT_TRUE(a.allocate("svc-" + std::to_string(i), o));
    }
    return a.registry();
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

}  // namespace

TEST(ExportNftables, DefinesTheRangeAndSetsWithServiceComments) {
    const std::string nft = export_nftables(adr014_default_registry(), "reg", ExportScope::range);
    EXPECT_NE(nft.find("\ndefine HARMONY_INFRA_PORTS = 25000-25999\n"), std::string::npos);
    EXPECT_NE(nft.find("\ntable inet harmony\ndelete table inet harmony\n"), std::string::npos);
    EXPECT_NE(nft.find("\tset allocated_tcp {\n\t\ttype inet_service\n\t\tflags interval\n"
                       "\t\telements = { 25080 comment \"ceph-rgw\",\n"
                       "\t\t\t     25443 comment \"internal-https\" }\n\t}\n"),
              std::string::npos)
        << nft;
    EXPECT_NE(nft.find("\tset allocated_udp {\n\t\ttype inet_service\n\t\tflags interval\n\t}\n"),
              std::string::npos);
    EXPECT_NE(nft.find("\tchain infra_ports {\n\t\ttcp dport @infra_range accept\n"
                       "\t\tudp dport @infra_range accept\n\t}\n"),
              std::string::npos);
    const std::string only =
        export_nftables(adr014_default_registry(), "reg", ExportScope::allocations);
    EXPECT_NE(only.find("\t\ttcp dport @allocated_tcp accept\n\t\tudp dport @allocated_udp accept"),
              std::string::npos);
}

TEST(ExportIptables, SplitsMultiportRulesAtFifteenPorts) {
    // 30 TCP singles + ceph-rgw + internal-https = 32 TCP ports: 15 + 15 + 2.
    const Registry r = with_allocations(30);
    const std::string ipt = export_iptables(r, "reg", ExportScope::allocations, false);
    EXPECT_EQ(count(ipt, "-A HARMONY-INFRA -p tcp -m multiport --dports "), 3U) << ipt;
    EXPECT_EQ(count(ipt, "-A HARMONY-INFRA -p udp -m multiport --dports "), 1U);  // 15 tcp+udp
    EXPECT_NE(ipt.find("*filter\n:HARMONY-INFRA - [0:0]\n"), std::string::npos);
    EXPECT_EQ(ipt.substr(ipt.size() - 7), "COMMIT\n");
    const std::string range = export_iptables(r, "reg", ExportScope::range, true);
    EXPECT_NE(range.find("-A HARMONY-INFRA -p tcp -m multiport --dports 25000:25999 -m comment "
                         "--comment \"HarmonyInfraPorts\" -j ACCEPT\n"),
              std::string::npos)
        << range;
    EXPECT_NE(range.find("ip6tables-restore --noflush"), std::string::npos);
}

TEST(ExportIptables, LongCommentsAreCutAtANameBoundary) {
    PortAllocator a(adr014_default_registry());
    for (int i = 0; i < 15; ++i) {
        AllocateOptions o;
        o.port = static_cast<Port>(25700 + 2 * i);
        EXPECT_TRUE(a.allocate(std::string(40, static_cast<char>('a' + i)), o));
    }
    const std::string ipt = export_iptables(a.registry(), "reg", ExportScope::allocations, false);
    for (std::size_t at = ipt.find("--comment \""); at != std::string::npos;
         at = ipt.find("--comment \"", at + 1)) {
        const std::size_t start = at + 11;
        const std::string comment = ipt.substr(start, ipt.find('"', start) - start);
        EXPECT_LE(comment.size(), 255U) << comment;
    }
    EXPECT_NE(ipt.find(" more\" -j ACCEPT"), std::string::npos) << ipt;
}

TEST(ExportFirewalld, ListsPortsPerProtocol) {
    const std::string xml = export_firewalld(with_allocations(2), "reg", ExportScope::allocations);
    EXPECT_NE(xml.find("  <short>HarmonyInfraPorts</short>\n"), std::string::npos);
    EXPECT_NE(xml.find("  <port protocol=\"tcp\" port=\"25602\"/> <!-- svc-1 -->\n"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("  <port protocol=\"udp\" port=\"25602\"/> <!-- svc-1 -->\n"),
              std::string::npos);
    EXPECT_EQ(xml.find("port=\"25600\"/> <!-- svc-0 -->\n  <port protocol=\"udp\""),
              std::string::npos);  // svc-0 is TCP only
}

TEST(ExportOpnsense, AliasIdentityIsStable) {
    const std::string a = export_opnsense_xml(adr014_default_registry(), "a", ExportScope::range);
    const std::string b = export_opnsense_xml(with_allocations(3), "b", ExportScope::allocations);
    auto uuid = [](const std::string& x) {
        const auto at = x.find("uuid=\"") + 6;
        return x.substr(at, x.find('"', at) - at);
    };
    EXPECT_EQ(uuid(a), uuid(b));
    EXPECT_EQ(uuid(a).size(), 36U);
    EXPECT_EQ(uuid(a)[14], '4');  // version 4 layout
}

// The source label (a path) is the one piece of outside text every format repeats: a line
// break, quote or "--" in it must not start a line, end a string or close an XML comment.
TEST(ExportSource, HostileLabelsStayInsideTheirComment) {
    const std::string label = "/srv/x\n-A INPUT -j ACCEPT\n\" -->< ]]> --";
    const Registry r = with_allocations(1);
    for (const auto& format : export_formats()) {
        auto text = export_registry(r, format, ExportOptions{label, ExportScope::range, nullptr});
        ASSERT_TRUE(text) << format;
        EXPECT_EQ(text->find("\n-A INPUT -j ACCEPT"), std::string::npos) << format;
        if (format == "firewalld" || format == "opnsense" || format == "markdown") {
            // In XML/HTML comments, "--" appears only in the <!-- and --> delimiters.
            std::string comments;
            for (std::size_t at = text->find("<!--"); at != std::string::npos;
                 at = text->find("<!--", at + 1)) {
                comments += text->substr(at, text->find("-->", at) + 3 - at);
            }
            EXPECT_EQ(count(comments, "--"), count(comments, "<!--") + count(comments, "-->"))
                << format << comments;
        }
    }
}

TEST(ExportRegistry, UnknownFormatsAreRefusedWithAHint) {
    auto r = export_registry(adr014_default_registry(), "ipttables",
                             ExportOptions{"reg", ExportScope::range, nullptr});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(
        r.error().message.rfind("unknown export format 'ipttables' (did you mean iptables?)", 0),
        0U)
        << r.error().message;
    EXPECT_TRUE(export_uses_scope("nftables"));
    EXPECT_FALSE(export_uses_scope("markdown"));
}
