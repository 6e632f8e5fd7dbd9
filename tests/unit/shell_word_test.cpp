// util::shell_word: every word a suggested command holds is one inert POSIX sh word.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "temp_folder.hpp"
#include "util/shell_word.hpp"

using harmony::util::shell_word;

namespace {

// What `sh -c 'printf %s WORD'` prints, run in `folder`.
std::string through_sh(const std::string& word, const std::filesystem::path& folder) {
    const std::string command = "cd '" + folder.string() + "' && printf %s " + word;
    std::FILE* pipe = ::popen(command.c_str(), "r");
    std::string out;
    char buffer[256];
    for (std::size_t n = 0; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) {
        out.append(buffer, n);
    }
    ::pclose(pipe);
    return out;
}

class ShellWord : public harmony::testing::TempFolderTest {};

}  // namespace

TEST_F(ShellWord, PlainWordsStayBareAndTheRestAreSingleQuoted) {
    EXPECT_EQ(shell_word("harmony.network.ports.toml"), "harmony.network.ports.toml");
    EXPECT_EQ(shell_word("a-b_c/d.e:f=g@h%i+j,k"), "a-b_c/d.e:f=g@h%i+j,k");
    EXPECT_EQ(shell_word(""), "''");
    EXPECT_EQ(shell_word("$(touch x)"), "'$(touch x)'");
    EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_word("~root"), "'~root'");
    EXPECT_EQ(shell_word("*"), "'*'");
}

TEST_F(ShellWord, ControlsAndInvisibleCharactersNeverReachTheLine) {
    EXPECT_EQ(shell_word("a\nb"), "'a\\x0ab'");
    EXPECT_EQ(shell_word("x\r\x1b[2Jy"), "'x\\x0d\\x1b[2Jy'");
    EXPECT_EQ(shell_word("a\u202eb"), "'a\\u{202e}b'");
    EXPECT_EQ(shell_word("\xff"), "'\\xff'");
    EXPECT_EQ(shell_word("Zoë"), "'Zoë'");
    for (const std::string hostile : {"a\nb", "\x1b]0;title\x07", "l\u2028m", "\x7f", "a\tb"}) {
        const std::string word = shell_word(hostile);
        for (char c : word) {
            EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << word;
        }
    }
}

// The shell gives back exactly the text and runs nothing of it.
TEST_F(ShellWord, HostileTextRoundTripsThroughShAndRunsNothing) {
    for (const std::string hostile : {"$(touch x)", "`touch x`",
                                      "a b",        "a;touch x",
                                      "a|touch x",  "a&&touch x",
                                      "$HOME",      "${IFS}",
                                      "'",          "''",
                                      "'\\''",      "\\",
                                      "\"",         "!",
                                      "#x",         "*",
                                      "?",          "[a]",
                                      "~",          "a>x",
                                      "<x",         "(x)",
                                      "{a,b}",      "-n",
                                      "--",         "it's $(touch x) `touch x`",
                                      "Zoë"}) {
        SCOPED_TRACE(hostile);
        EXPECT_EQ(through_sh(shell_word(hostile), m_dir), hostile);
        EXPECT_FALSE(std::filesystem::exists(m_dir / "x"));
    }
}
