// The message of a failed parse, checking that it failed as a parse_error.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include <harmony/network/error.hpp>

namespace harmony::testing {

// The message of a parse_error ("" and a test failure for success or another code).
template <typename T>
std::string parse_error_of(const harmony::network::Expected<T>& result) {
    EXPECT_FALSE(result);
    if (result) {
        return "";
    }
    EXPECT_EQ(result.error().code, harmony::network::ErrorCode::parse_error)
        << result.error().message;
    return result.error().message;
}

}  // namespace harmony::testing
