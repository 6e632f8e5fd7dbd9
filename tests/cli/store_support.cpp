#include "cli/store_support.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace harmony::testing {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

Args store_args(const std::string& url, int timeout_seconds) {
    return {"--store", url, "--store-timeout", std::to_string(timeout_seconds)};
}

ProcessResult hp(const Args& global, const Args& args, const fs::path& cwd,
                 std::map<std::string, std::string> env) {
    Args all = global;
    all.insert(all.end(), args.begin(), args.end());
    return harmony_ports(all, cwd, std::move(env));
}

std::map<std::string, int> listed_ports(const Args& global, const fs::path& cwd) {
    auto r = hp(global, {"list", "--json"}, cwd);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, int> out;
    const auto list = nlohmann::json::parse(r.out, nullptr, false);
    if (r.exit_code != 0 || !list.is_object()) {
        ADD_FAILURE() << "list --json printed no JSON object: " << r.out;
        return out;
    }
    for (const auto& a : list["allocations"]) {
        out[a["name"].get<std::string>()] = a["first"].get<int>();
    }
    return out;
}

std::vector<ProcessResult> run_all_at_once(const std::vector<Args>& commands, const fs::path& cwd) {
    std::vector<ProcessResult> results(commands.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        threads.emplace_back([&, i] { results[i] = harmony_ports(commands[i], cwd); });
    }
    for (auto& t : threads) {
        t.join();
    }
    return results;
}

AllocatingClients::AllocatingClients(Args global, fs::path cwd, std::string prefix, int clients)
    : m_global(std::move(global)), m_cwd(std::move(cwd)) {
    for (int c = 0; c < clients; ++c) {
        m_threads.emplace_back([this, prefix, c] {
            for (int i = 0; !m_stop; ++i) {
                const std::string name = fmt::format("{}-{}-{}", prefix, c, i);
                auto r = hp(m_global, {"allocate", name}, m_cwd);
                std::lock_guard lock(m_mutex);
                if (r.exit_code == 0) {
                    m_acknowledged[name] = std::stoi(r.out);
                } else {
                    m_failures.push_back(std::move(r));
                }
            }
        });
    }
}

bool AllocatingClients::wait_for_acknowledged(std::size_t n, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard lock(m_mutex);
            if (m_acknowledged.size() >= n) {
                return true;
            }
        }
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

void AllocatingClients::stop() {
    m_stop = true;
    for (auto& t : m_threads) {
        t.join();
    }
    m_threads.clear();
}

std::map<std::string, int> AllocatingClients::acknowledged() const {
    std::lock_guard lock(m_mutex);
    return m_acknowledged;
}

std::vector<ProcessResult> AllocatingClients::failures() const {
    std::lock_guard lock(m_mutex);
    return m_failures;
}

void expect_acknowledged_kept(const std::map<std::string, int>& acknowledged,
                              const std::map<std::string, int>& listed) {
    if (listed.empty() && !acknowledged.empty()) {
        ADD_FAILURE() << "the store lists nothing; " << acknowledged.size()
                      << " allocations were acknowledged";
        return;
    }
    for (const auto& [name, port] : acknowledged) {
        auto it = listed.find(name);
        if (it == listed.end()) {
            ADD_FAILURE() << name << " was acknowledged with port " << port << " but is lost";
        } else {
            EXPECT_EQ(it->second, port) << name << " moved";
        }
    }
    std::map<int, std::string> owner;
    for (const auto& [name, port] : listed) {
        auto [it, fresh] = owner.emplace(port, name);
        EXPECT_TRUE(fresh) << "port " << port << " is listed for " << it->second << " and " << name;
    }
}

bool contains_ci(const std::string& text, const std::string& part) {
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    return lower(text).find(lower(part)) != std::string::npos;
}

void expect_no_secret(const ProcessResult& r, const std::string& secret) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << "stdout shows a secret: " << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << "stderr shows a secret: " << r.err;
}

}  // namespace harmony::testing
