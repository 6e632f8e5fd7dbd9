#include "cli/run_process.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace harmony::testing {
namespace fs = std::filesystem;

StartedProcess::StartedProcess(const std::vector<std::string>& argv, const fs::path& cwd,
                               const std::map<std::string, std::string>& env,
                               const std::optional<std::string>& input) {
    int out_pipe[2];
    int err_pipe[2];
    int in_pipe[2] = {-1, -1};
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
        (input && ::pipe2(in_pipe, O_CLOEXEC) != 0)) {
        throw std::runtime_error("pipe failed");
    }
    pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(input ? in_pipe[0] : devnull, 0);
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        if (::chdir(cwd.c_str()) != 0) {
            ::_exit(126);
        }
        for (const auto& [key, value] : env) {
            if (value.empty()) {
                ::unsetenv(key.c_str());
            } else {
                ::setenv(key.c_str(), value.c_str(), 1);
            }
        }
        std::vector<char*> args;
        for (const auto& a : argv) {
            args.push_back(const_cast<char*>(a.c_str()));
        }
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (input) {
        ::close(in_pipe[0]);
        ::signal(SIGPIPE, SIG_IGN);  // a child that stops reading early fails no test by itself
        std::string_view rest = *input;
        while (!rest.empty()) {
            const ssize_t n = ::write(in_pipe[1], rest.data(), rest.size());
            if (n <= 0) {
                break;  // the child stopped reading: it sees what it read
            }
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
        ::close(in_pipe[1]);
    }
    m_pid = pid;
    m_out = out_pipe[0];
    m_err = err_pipe[0];
}

StartedProcess::StartedProcess(StartedProcess&& other) noexcept
    : m_pid(other.m_pid), m_out(other.m_out), m_err(other.m_err) {
    other.m_pid = -1;
    other.m_out = other.m_err = -1;
}

StartedProcess::~StartedProcess() {
    if (m_pid > 0) {
        ::kill(m_pid, SIGKILL);
        finish();
    }
}

ProcessResult StartedProcess::finish() {
    ProcessResult result;
    pollfd fds[2] = {{m_out, POLLIN, 0}, {m_err, POLLIN, 0}};
    int open_fds = 2;
    char buffer[4096];
    while (open_fds > 0) {
        if (::poll(fds, 2, -1) < 0) {
            continue;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP)) != 0) {
                ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
                if (n <= 0) {
                    ::close(fds[i].fd);
                    fds[i].fd = -1;
                    --open_fds;
                } else {
                    (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
                }
            }
        }
    }
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
    m_out = m_err = -1;
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& cwd,
                          const std::map<std::string, std::string>& env) {
    return StartedProcess(argv, cwd, env).finish();
}

StartedProcess start_harmony_ports(const std::vector<std::string>& args, const fs::path& cwd,
                                   std::map<std::string, std::string> env) {
    std::vector<std::string> argv{HARMONY_PORTS_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    env.try_emplace("HARMONY_PORTS_REGISTRY", "");
    return StartedProcess(argv, cwd, env);
}

ProcessResult harmony_ports(const std::vector<std::string>& args, const fs::path& cwd,
                            std::map<std::string, std::string> env) {
    return start_harmony_ports(args, cwd, std::move(env)).finish();
}

ProcessResult harmony_ports_with_input(const std::vector<std::string>& args, const fs::path& cwd,
                                       const std::string& input) {
    std::vector<std::string> argv{HARMONY_PORTS_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return StartedProcess(argv, cwd, {{"HARMONY_PORTS_REGISTRY", ""}}, input).finish();
}

ProcessResult harmony_ports_in_fresh_netns(const std::vector<std::string>& args,
                                           const fs::path& cwd) {
    if (::geteuid() != 0) {
        return harmony_ports(args, cwd);
    }
    std::vector<std::string> argv{"/usr/bin/unshare", "-n", HARMONY_PORTS_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, cwd, {{"HARMONY_PORTS_REGISTRY", ""}});
}

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "harmony-ports-test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(m_path, ec);
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

}  // namespace harmony::testing
