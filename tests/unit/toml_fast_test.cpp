// The fast canonical-TOML reader must give exactly the tree toml++ gives, or step aside.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <harmony/network/allocator.hpp>
#include <harmony/network/registry_file.hpp>

#include "registry/doc_node.hpp"
#include "registry/toml_fast.hpp"

using namespace harmony::network;
using namespace harmony::network::detail;

namespace {

// toml++'s tree, converted the way the library does when the fast reader declines.
DocNode full_parse(std::string_view text) {
    auto r = parse_toml_with_tomlplusplus(text, "t");
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : DocNode{};
}

}  // namespace

TEST(TomlFast, MatchesTomlPlusPlusOnCanonicalRegistries) {
    PortAllocator a(adr014_default_registry());
    AllocateOptions o;
    o.notes = "quotes \" and \\ and \n newline, tab\t, bell \x07, caf\xc3\xa9 \xf0\x9f\x9a\x80";
    o.owner = "team";
    o.protocols = Protocols::tcp_udp;
    ASSERT_TRUE(a.allocate("ntfy", o));
    ASSERT_TRUE(a.release("internal-https"));
    std::string text = render_registry(a.registry(), RegistryFormat::toml);
    auto fast = parse_canonical_toml(text);
    ASSERT_TRUE(fast) << "the fast reader must accept what the writer writes";
    EXPECT_TRUE(same_document(*fast, full_parse(text)));
}

TEST(TomlFast, MatchesOnHandWrittenSubsetInput) {
    const char* text =
        "  # comment\n"
        "schema_version = 1 # trailing\n"
        "flag=true\n"
        "[[allocation]]\n"
        "name   =   \"x\\u00e9\\U0001F680\"\n"
        "protocols = [ \"tcp\" ,\"udp\"]\n"
        "empty = []\n"
        "[[allocation]]\n"
        "port = -0\n";
    auto fast = parse_canonical_toml(text);
    ASSERT_TRUE(fast);
    EXPECT_TRUE(same_document(*fast, full_parse(text)));
}

TEST(TomlFast, StepsAsideForAnythingOutsideTheSubset) {
    for (const char* text : {"a = 1\na = 2\n",  // duplicate key: toml++ reports it
                             "a = 0x10\n",      // other integer forms
                             "a = 1_000\n",
                             "a = 01\n",
                             "a = +1\n",
                             "a = 1.5\n",
                             "a = 'literal'\n",  // literal strings
                             "a = \"\"\"multi\"\"\"\n",
                             "[table]\n",
                             "a.b = 1\n",
                             "\"quoted\" = 1\n",
                             "a = \"unterminated\n",
                             "a = \"bad \\q escape\"\n",
                             "a = \"\\ud800\"\n",
                             "a = [1, 2]\n",
                             "a = [\"x\",]\n",
                             "a = { x = 1 }\n",
                             "a = 1 junk\n",
                             "a = 1\r\n",
                             "a = 1979-05-27\n",
                             "a = \"\xff\"\n",
                             "a = \"ctl \x01\"\n",
                             "a = []\n[[a]]\n",
                             "x = true1\n",
                             "# \x01\n"}) {
        EXPECT_FALSE(parse_canonical_toml(text)) << text;
    }
}

TEST(TomlScreen, InputsThatTriggerUndefinedBehaviourInTomlPlusPlusAreCleanErrors) {
    // toml++ 3.3 reaches __builtin_unreachable on these (upstream #190, #295; found by our
    // fuzzer as U+FE7F at the start of a file).
    struct Case {
        std::string text;
        std::string message;
    };
    for (const Case& c : std::vector<Case>{
             {"\xef\xb9\xbf"
              "a = 1\n",
              "t:1:1: non-ASCII character outside a string or comment"},
             {"a = 1\n\xcc\xaa\n", "t:2:1: non-ASCII character outside a string or comment"},
             {"a = 1\nb = \xcc\n", "t:2:5: the file is not valid UTF-8"},
             {"s = \"\"\"\\\n\xc2\xa7\"\"\"\n",
              "t:2:1: non-ASCII character right after a line-ending backslash is not supported"},
             {"s = \"\"\"x\\\xef\xba\xbf\"\"\"\n",
              "t:1:10: non-ASCII character right after a backslash in a multi-line string is not "
              "supported"},
             {"s = \"\"\"x\\  \xc2\xa7\"\"\"\n",
              "t:1:12: non-ASCII character right after a backslash in a multi-line string is not "
              "supported"},
         }) {
        auto r = parse_toml_with_tomlplusplus(c.text, "t");
        ASSERT_FALSE(r) << c.text;
        EXPECT_EQ(r.error().code, ErrorCode::parse_error);
        EXPECT_EQ(r.error().message, c.message);
    }
}

TEST(TomlScreen, NonAsciiInsideStringsAndCommentsStillLoads) {
    for (const char* ok :
         {"# caf\xc3\xa9 \xef\xb9\xbf\na = \"\xef\xb9\xbf\"\n",
          "a = 'caf\xc3\xa9'\nb = '''\n\xc2\xa7'''\n", "s = \"\"\"\\\n  x \xc2\xa7\"\"\"\n",
          "\xef\xbb\xbf"
          "a = 1\n"}) {
        auto r = parse_toml_with_tomlplusplus(ok, "t");
        EXPECT_TRUE(r) << ok << ": " << r.error().message;
    }
}

TEST(TomlScreen, AQuoteInsideABareValueDoesNotOpenAString) {
    // Found by the harmony.toml fuzzer: toml++ reads `2zz\"...` as one bad value and checks
    // every following character, so non-ASCII there must be refused before it.
    auto r = parse_toml_with_tomlplusplus("x = 2zz\\\"z\xcf\x91\n", "t");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "t:1:11: non-ASCII character outside a string or comment");
    EXPECT_TRUE(parse_toml_with_tomlplusplus("a = [\n \"x\",\n \"\xc3\xa9\"]\n", "t"));
    // A quoted part of a dotted key is a string too, in a key and in a header.
    EXPECT_TRUE(parse_toml_with_tomlplusplus("a.\"k\xc3\xa9\" = 1\n", "t"));
    EXPECT_TRUE(parse_toml_with_tomlplusplus("[a . \"k\xc3\xa9\"]\nb = 1\n", "t"));
    // After a value, a dot does not start a key part: what follows is refused as before.
    EXPECT_FALSE(parse_toml_with_tomlplusplus("a = 1 .\"k\xc3\xa9\"\n", "t"));
}

TEST(TomlScreen, QuotesInsideBareTokensNeverOpenStrings) {
    // Fuzz findings: toml++ scans a bad bare value to its terminator, testing each character.
    for (const char* bad : {"x = 2....\"\"\"K\xcf\x91\"\"\"\n", "x = 2[\"\xc3\xa9\"]\n",
                            "a = [\n 1.\"\xc3\xa9\"]\n", "x = true\"\xc3\xa9\"\n"}) {
        auto r = parse_toml_with_tomlplusplus(bad, "t");
        ASSERT_FALSE(r) << bad;
        EXPECT_NE(r.error().message.find("non-ASCII character outside a string or comment"),
                  std::string::npos)
            << r.error().message;
    }
    for (const char* good : {"a=\"\xc3\xa9\"\n", "[\"\xc3\xa9\"]\nx = 1\n",
                             "a = [\n  1,\n  \"\xc3\xa9\" ]\n", "t = { a = \"\xc3\xa9\" }\n"}) {
        auto r = parse_toml_with_tomlplusplus(good, "t");
        EXPECT_TRUE(r) << good << ": " << r.error().message;
    }
}

TEST(TomlScreen, InlineTableKeysAfterCommasAreKeysNotValues) {
    // Fuzz finding: after ',' inside {...} a key starts, so its '=' and quotes are structure.
    EXPECT_TRUE(parse_toml_with_tomlplusplus("r = [{a=\"x\",b=\"\xc3\xa9\"}]\n", "t"));
    auto r = parse_toml_with_tomlplusplus("r = [{a=\"x\",b=2\"\xc3\xa9\"}]\n", "t");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("non-ASCII character outside a string or comment"),
              std::string::npos)
        << r.error().message;
}
