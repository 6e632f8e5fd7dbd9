#include <gtest/gtest.h>

#include <harmony/network/port_range.hpp>

using namespace harmony::network;

TEST(PortRange, ParsesRangeAndSinglePort) {
    EXPECT_EQ(PortRange::parse("25000-25999").value(), (PortRange{25000, 25999}));
    EXPECT_EQ(PortRange::parse("25080").value(), (PortRange{25080, 25080}));
    EXPECT_EQ(PortRange::parse(" 0 - 65535 ").value(), (PortRange{0, 65535}));
    EXPECT_EQ(PortRange::parse("25000-25999")->size(), 1000U);
    EXPECT_EQ(PortRange::parse("0-65535")->size(), 65536U);
}

TEST(PortRange, RejectsReversedRangeWithClearMessage) {
    auto r = PortRange::parse("25999-25000");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(r.error().message,
              "invalid port range '25999-25000': first port 25999 is above last port 25000");
}

TEST(PortRange, RejectsPortAbove65535) {
    auto r = PortRange::parse("70000");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "invalid port range '70000': 70000 is above 65535");
    EXPECT_FALSE(PortRange::parse("1-99999999999999999999999"));
}

TEST(PortRange, RejectsText) {
    auto r = PortRange::parse("abc");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "invalid port range 'abc': 'abc' is not a port number");
    for (const char* bad : {"", "-", "1-", "-5", "1-2-3", "+5", "0x10", "25000..25999", "1 2"}) {
        EXPECT_FALSE(PortRange::parse(bad)) << bad;
    }
}

TEST(PortRange, ContainsAndOverlaps) {
    PortRange r{25000, 25999};
    EXPECT_TRUE(r.contains(Port{25000}));
    EXPECT_FALSE(r.contains(Port{26000}));
    EXPECT_TRUE(r.contains(PortRange{25090, 25099}));
    EXPECT_FALSE(r.contains(PortRange{24990, 25009}));
    EXPECT_TRUE(r.overlaps(PortRange{24990, 25000}));
    EXPECT_FALSE(r.overlaps(PortRange{30000, 32767}));
    EXPECT_EQ(r.to_string(), "25000-25999");
    EXPECT_EQ((PortRange{7, 7}).to_string(), "7");
}
