// printable_text / terminal_safe: what untrusted text looks like on a terminal.
#include <gtest/gtest.h>

#include "util/printable.hpp"

using harmony::util::printable_text;
using harmony::util::terminal_safe;

TEST(PrintableText, KeepsPrintableAsciiAndUtf8AsTheyAre) {
    EXPECT_EQ(printable_text("ceph-rgw"), "ceph-rgw");
    EXPECT_EQ(printable_text("Zoë's team \"ops\""), "Zoë's team \"ops\"");
    EXPECT_EQ(printable_text("日本語 ✓ 🚀"), "日本語 ✓ 🚀");
}

TEST(PrintableText, EscapesControlBytesAndDel) {
    EXPECT_EQ(printable_text("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
    EXPECT_EQ(printable_text("a\rb\nc\td"), "a\\x0db\\x0ac\\x09d");
    EXPECT_EQ(printable_text(std::string_view("nul\0x", 5)), "nul\\x00x");
    EXPECT_EQ(printable_text("del\x7f"), "del\\x7f");
}

TEST(PrintableText, EscapesBackslashSoEscapesAreUnambiguous) {
    EXPECT_EQ(printable_text("C:\\x1b"), "C:\\\\x1b");
}

TEST(PrintableText, EscapesC1ControlsAndTrojanSourceCharacters) {
    EXPECT_EQ(printable_text("\xc2\x9b"
                             "31m"),
              "\\u{009b}31m");  // C1 CSI
    EXPECT_EQ(printable_text("admin\xe2\x80\xae"
                             "nimda"),
              "admin\\u{202e}nimda");                                               // RLO
    EXPECT_EQ(printable_text("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u{2066}x\\u{2069}");  // LRI, PDI
    EXPECT_EQ(printable_text("a\xe2\x80\x8e"
                             "b\xe2\x80\x8f"),
              "a\\u{200e}b\\u{200f}");
    EXPECT_EQ(printable_text("zero\xe2\x80\x8bwidth"), "zero\\u{200b}width");
    EXPECT_EQ(printable_text("\xef\xbb\xbf"
                             "bom"),
              "\\u{feff}bom");
    EXPECT_EQ(printable_text("line\xe2\x80\xa8sep"), "line\\u{2028}sep");
}

TEST(PrintableText, EscapesEachByteOfInvalidUtf8) {
    EXPECT_EQ(printable_text("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(printable_text("\xc3"), "\\xc3");                    // truncated sequence
    EXPECT_EQ(printable_text("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
    EXPECT_EQ(printable_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
    EXPECT_EQ(printable_text("\xe2\x82"
                             "a"),
              "\\xe2\\x82a");  // cut-off sequence, then ASCII
}

TEST(PrintableText, CutsAtTheLimitWithAnEllipsisInsideIt) {
    EXPECT_EQ(printable_text("abcdefghij", 10), "abcdefghij");
    EXPECT_EQ(printable_text("abcdefghijk", 10), "abcdefg...");
    EXPECT_EQ(printable_text(std::string(200, 'x')).size(), 80U);
}

TEST(PrintableText, NeverCutsInsideAUtf8SequenceOrAnEscape) {
    // Seven characters fit before the ellipsis; the eighth, a 3-byte one, is never split.
    EXPECT_EQ(printable_text("abcdef\xe2\x82\xac"
                             "xyzw",
                             10),
              "abcdef\xe2\x82\xac...");
    EXPECT_EQ(printable_text("abcdefg\xe2\x82\xac"
                             "xyzw",
                             10),
              "abcdefg...");
    EXPECT_EQ(printable_text("abcdef\xe2\x82\xac"
                             "xyz",
                             10),
              "abcdef\xe2\x82\xac"
              "xyz");
    // Characters are counted, not bytes: ten 2-byte letters fit a limit of ten.
    EXPECT_EQ(printable_text("ëëëëëëëëëë", 10), "ëëëëëëëëëë");
    // An escape is shown whole or not at all.
    EXPECT_EQ(printable_text("abcde\x1b"
                             "fghij",
                             10),
              "abcde...");
    EXPECT_EQ(printable_text("\x1b\x1b\x1b", 10), "\\x1b...");
}

TEST(TerminalSafe, EscapesControlsButLeavesBackslashesAndLength) {
    EXPECT_EQ(terminal_safe("/srv/\x1b]0;pwned\x07/harmony.toml: bad"),
              "/srv/\\x1b]0;pwned\\x07/harmony.toml: bad");
    EXPECT_EQ(terminal_safe("invalid name 'a\\x1b' (Zoë)"), "invalid name 'a\\x1b' (Zoë)");
    EXPECT_EQ(terminal_safe(std::string(500, 'y')), std::string(500, 'y'));
}
