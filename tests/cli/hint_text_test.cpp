// hint_text: the CLI's words for each library Hint, written to follow "MESSAGE; ".
#include <gtest/gtest.h>

#include "hint_text.hpp"

using harmony::cli::hint_text;
using harmony::network::Hint;
using harmony::network::HintKind;

TEST(HintText, WordsEveryKindInTheToolsOwnFlags) {
    EXPECT_EQ(hint_text(Hint{}), "");
    EXPECT_EQ(hint_text(Hint{HintKind::create_registry, "/srv"}),
              "run `harmony-ports init` to create one");
    EXPECT_EQ(hint_text(Hint{HintKind::overwrite, "/srv/x.toml"}), "pass --force to overwrite it");
    EXPECT_EQ(hint_text(Hint{HintKind::name_pool, "metrics"}), "pass --pool metrics to use it");
    EXPECT_EQ(hint_text(Hint{HintKind::allow_registered, ""}), "--allow-registered keeps them");
    EXPECT_EQ(hint_text(Hint{HintKind::trust_explicitly, "/shared/harmony.toml"}),
              "name it with --registry PATH or HARMONY_PORTS_REGISTRY to trust it");
    EXPECT_EQ(hint_text(Hint{HintKind::pin_port, "25010"}),
              "register it: harmony-ports allocate NAME --port 25010");
    EXPECT_EQ(hint_text(Hint{HintKind::reserve_ephemeral, ""}),
              "write `harmony-ports export --format sysctl` to "
              "/etc/sysctl.d/60-harmony-ports.conf and run `sysctl --system`");
    EXPECT_EQ(hint_text(Hint{HintKind::name_registry_file, "/srv"}),
              "name the registry file inside it (e.g. /srv/harmony.network.ports.toml)");
    EXPECT_EQ(hint_text(Hint{HintKind::wait_longer, ""}),
              "wait with --lock-timeout SECONDS (HARMONY_PORTS_LOCK_TIMEOUT) or stop the holder");
    EXPECT_EQ(hint_text(Hint{HintKind::show_allocation, "ntfy"}),
              "ntfy is allocated: run `harmony-ports allocate ntfy` again or `harmony-ports "
              "list` to show it");
}

TEST(HintText, ASubjectFromAFileIsMadePrintable) {
    EXPECT_EQ(hint_text(Hint{HintKind::name_pool, "m\x1b[2J"}),
              "pass --pool 'm\\x1b[2J' to use it");
}

// A subject lands in a command the user pastes: it is one quoted word, never code.
TEST(HintText, ASubjectInACommandIsOneQuotedShellWord) {
    EXPECT_EQ(hint_text(Hint{HintKind::merge_conflict, "$(touch x)/harmony.network.ports.toml"}),
              "redo the merge as data: `harmony-ports git setup && git checkout -m "
              "'$(touch x)/harmony.network.ports.toml'`, or edit it keeping both sides' entries");
    EXPECT_EQ(hint_text(Hint{HintKind::name_pool, "a b;rm -rf ~"}),
              "pass --pool 'a b;rm -rf ~' to use it");
    EXPECT_EQ(hint_text(Hint{HintKind::name_registry_file, "/srv/it's"}),
              "name the registry file inside it (e.g. '/srv/it'\\''s/harmony.network.ports.toml')");
    EXPECT_EQ(hint_text(Hint{HintKind::reallocate, "a\nb"}),
              "move it: harmony-ports release 'a\\x0ab' && harmony-ports allocate 'a\\x0ab'");
}
