#include "cli/netns.hpp"

#include <atomic>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace harmony::testing {

std::string tool(const char* name) {
    for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"}) {
        std::string path = std::string(dir) + name;
        if (::access(path.c_str(), X_OK) == 0) {
            return path;
        }
    }
    return name;
}

Netns::Netns() {
    if (::geteuid() != 0) {
        return;  // the test skips itself; nothing to create
    }
    static std::atomic<int> counter{0};
    m_name = "hp-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    auto add = run_process({tool("ip"), "netns", "add", m_name}, "/");
    m_ok = add.exit_code == 0;
    EXPECT_TRUE(m_ok) << add.err;
    auto up = exec({tool("ip"), "link", "set", "lo", "up"});
    EXPECT_EQ(up.exit_code, 0) << up.err;
}

Netns::~Netns() {
    if (m_ok) {
        run_process({tool("ip"), "netns", "del", m_name}, "/");
    }
}

ProcessResult Netns::exec(std::vector<std::string> argv, const std::filesystem::path& cwd) const {
    argv.insert(argv.begin(), {tool("ip"), "netns", "exec", m_name});
    return run_process(argv, cwd);
}

Listeners::Listeners(const Netns& ns, const std::vector<std::string>& specs) {
    int in[2], out[2];
    EXPECT_EQ(::pipe2(in, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    std::vector<std::string> argv{tool("ip"), "netns", "exec", ns.name(), LISTEN_HELPER_BIN};
    argv.insert(argv.end(), specs.begin(), specs.end());
    m_pid = ::fork();
    if (m_pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        std::vector<char*> args;
        for (auto& a : argv) {
            args.push_back(a.data());
        }
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    m_stdin = in[1];
    std::string got;
    char c;
    while (got.find('\n') == std::string::npos && ::read(out[0], &c, 1) == 1) {
        got += c;
    }
    ::close(out[0]);
    EXPECT_EQ(got, "ready\n") << "listen_helper failed for a spec";
}

Listeners::~Listeners() {
    ::close(m_stdin);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
}

bool connects(const Netns& ns, const std::string& address, int port) {
    return ns.exec({LISTEN_HELPER_BIN, "--connect", address, std::to_string(port)}).exit_code == 0;
}

}  // namespace harmony::testing
