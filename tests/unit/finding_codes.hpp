// Test helper: the codes of findings, in order, for compact expectations.
#pragma once

#include <string>
#include <vector>

#include <harmony/network/finding.hpp>

namespace harmony::testing {

inline std::vector<std::string> codes(const std::vector<harmony::network::Finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) {
        out.push_back(f.code);
    }
    return out;
}

}  // namespace harmony::testing
