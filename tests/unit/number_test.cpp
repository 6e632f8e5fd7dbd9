// parse_decimal: every number a person types is decimal.
#include <gtest/gtest.h>

#include <harmony/network/number.hpp>
#include <harmony/network/registry_file.hpp>

using namespace harmony::network;

TEST(Number, ReadsDecimalWithLeadingZerosAsDecimal) {
    EXPECT_EQ(decimal_value("0"), 0U);
    EXPECT_EQ(decimal_value("010"), 10U);
    EXPECT_EQ(decimal_value("025000"), 25000U);
    EXPECT_EQ(decimal_value("18446744073709551615"), UINT64_MAX);
    EXPECT_EQ(parse_decimal("010", "count", 1, 65535).value(), 10U);
}

TEST(Number, RefusesEverythingButDigits) {
    for (const char* bad : {"", "0x10", "0X10", "0o10", "0b10", "+5", "-5", "-0", " 5", "5 ",
                            "1_000", "1e3", "5.0", "١٢", "18446744073709551616"}) {
        EXPECT_FALSE(decimal_value(bad)) << bad;
    }
}

TEST(Number, SaysWhatIsWrongInOneLine) {
    auto hex = parse_decimal("0x10", "count", 1, 65535);
    ASSERT_FALSE(hex);
    EXPECT_EQ(hex.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(hex.error().message, "invalid count '0x10': expected a decimal number 1-65535");
    EXPECT_EQ(parse_decimal("0", "count", 1, 65535).error().message,
              "invalid count '0': expected a decimal number 1-65535");
    EXPECT_EQ(parse_decimal("3651", "quarantine days", 0, 3650).error().message,
              "invalid quarantine days '3651': expected a decimal number 0-3650");
    EXPECT_EQ(parse_decimal("1\x1b[2J", "port", 0, 65535).error().message,
              "invalid port '1\\x1b[2J': expected a decimal number 0-65535");
}

// Numbers in files follow the same rule: TOML's 0x/0o/0b forms and YAML's are refused, a
// range string with leading zeros is decimal.
TEST(Number, FilesTakeDecimalNumbersOnly) {
    const std::string_view file = "harmony.network.ports.toml";
    auto hex =
        parse_registry("quarantine_days = 0x10\n", RegistryFormat::toml, file, k_adr014_range);
    ASSERT_FALSE(hex);
    EXPECT_EQ(hex.error().message,
              "harmony.network.ports.toml:1:19: quarantine_days must be an integer, not a "
              "hexadecimal, octal or binary integer (numbers are decimal)");
    EXPECT_FALSE(parse_registry("[[allocation]]\nname = \"a\"\nport = 0o61\n", RegistryFormat::toml,
                                file, k_adr014_range));
    EXPECT_FALSE(parse_registry("allocation:\n  - name: a\n    port: 0x61a8\n",
                                RegistryFormat::yaml, "r.yaml", k_adr014_range));
    auto yaml =
        parse_registry("quarantine_days: 010\n", RegistryFormat::yaml, "r.yaml", k_adr014_range);
    ASSERT_TRUE(yaml) << yaml.error().message;
    EXPECT_EQ(yaml->quarantine_days, 10);
    EXPECT_EQ(parse_harmony_config("[harmony.network.defaults]\norchestrator_port_range = "
                                   "\"025000-025999\"\n",
                                   "harmony.toml")
                  .value(),
              (PortRange{25000, 25999}));
}
