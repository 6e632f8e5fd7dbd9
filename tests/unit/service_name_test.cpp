#include <gtest/gtest.h>

#include <string>

#include <harmony/network/service_name.hpp>

using namespace harmony::network;

TEST(ServiceName, AcceptsDnsLabelStyleNames) {
    for (const char* good : {"a", "ceph-rgw", "internal-https", "ntfy.v2", "0", "a-1.b-2"}) {
        EXPECT_TRUE(validate_service_name(good)) << good;
    }
    EXPECT_TRUE(validate_service_name(std::string(63, 'x')));
}

TEST(ServiceName, RejectsEachRuleWithItsReason) {
    EXPECT_EQ(validate_service_name("").error().message,
              "invalid service name '': must not be empty");
    EXPECT_EQ(
        validate_service_name(std::string(64, 'x')).error().message,
        "invalid service name '" + std::string(64, 'x') + "': 64 characters, at most 63 allowed");
    EXPECT_EQ(validate_service_name("Ceph").error().message,
              "invalid service name 'Ceph': upper case is not allowed (use a-z, 0-9, '-', '.')");
    EXPECT_EQ(validate_service_name("a;b").error().message,
              "invalid service name 'a;b': only a-z, 0-9, '-' and '.' are allowed");
    EXPECT_EQ(validate_service_name("-a").error().message,
              "invalid service name '-a': must start and end with a letter or digit");
    EXPECT_FALSE(validate_service_name("a."));
    EXPECT_FALSE(validate_service_name("a b"));
    EXPECT_FALSE(validate_service_name("a_b"));
}

TEST(ServiceName, QuotesHostileNamesSafelyInMessages) {
    auto r = validate_service_name("x\n\"';rm -rf /");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
    EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
}

TEST(FreeText, AllowsQuotesAndNewlinesButNotNulOrBadUtf8) {
    EXPECT_TRUE(validate_free_text("notes", "line 1\n\"quoted\" ; $x # } <b>"));
    EXPECT_TRUE(validate_free_text("notes", "caf\xc3\xa9"));
    EXPECT_EQ(validate_free_text("notes", std::string("a\0b", 3)).error().message,
              "notes must not contain a NUL byte");
    EXPECT_EQ(validate_free_text("owner", "\xc3\x28").error().message, "owner is not valid UTF-8");
    EXPECT_FALSE(validate_free_text("notes", "\xed\xa0\x80"));  // surrogate
    EXPECT_FALSE(validate_free_text("notes", "\xc0\xaf"));      // overlong
    EXPECT_FALSE(validate_free_text("notes", std::string(4097, 'a')));
}

TEST(ProcessName, FollowsLinuxCommRules) {
    EXPECT_TRUE(validate_process_name("radosgw"));
    EXPECT_TRUE(validate_process_name("kworker/0:1"));
    EXPECT_FALSE(validate_process_name(""));
    EXPECT_FALSE(validate_process_name("sixteen-chars-xx"));
    EXPECT_FALSE(validate_process_name("a;b"));
}
