// posix_spawn with two pipes drained by poll, so neither stream can fill and stall the child.
#include "util/subprocess.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fd.hpp"
#include "util/printable.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX leaves it undeclared

namespace harmony::util {

namespace {

using network::ErrorCode;
using network::fail;

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

network::Expected<Pipe> make_pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
        return fail(ErrorCode::io_error,
                    std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Spawn actions: stdin from /dev/null, stdout/stderr to the pipes, then chdir.
struct Actions {
    posix_spawn_file_actions_t actions{};
    Actions() { posix_spawn_file_actions_init(&actions); }
    Actions(const Actions&) = delete;
    Actions& operator=(const Actions&) = delete;
    ~Actions() { posix_spawn_file_actions_destroy(&actions); }
};

// Reads both pipes until they close. False when a stream passed `max_output`.
bool drain(int out_fd, int err_fd, ProgramResult& result, std::size_t max_output) {
    std::array<pollfd, 2> fds{pollfd{out_fd, POLLIN, 0}, pollfd{err_fd, POLLIN, 0}};
    std::array<std::string*, 2> into{&result.out, &result.err};
    std::array<char, 65536> buffer{};
    int open = 2;
    while (open > 0) {
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) {
                continue;
            }
            ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                fds[i].fd = -1;
                --open;
                continue;
            }
            into[i]->append(buffer.data(), static_cast<std::size_t>(n));
            if (into[i]->size() > max_output) {
                return false;
            }
        }
    }
    return true;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return 127;
        }
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

}  // namespace

network::Expected<ProgramResult> run_program(const std::vector<std::string>& argv,
                                             const std::filesystem::path& cwd,
                                             std::size_t max_output) {
    auto out = make_pipe();
    if (!out) {
        return std::unexpected(out.error());
    }
    auto err = make_pipe();
    if (!err) {
        return std::unexpected(err.error());
    }
    Actions spawn;
    posix_spawn_file_actions_addopen(&spawn.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&spawn.actions, out->write.get(), 1);
    posix_spawn_file_actions_adddup2(&spawn.actions, err->write.get(), 2);
    posix_spawn_file_actions_addchdir_np(&spawn.actions, cwd.c_str());
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));  // NOLINT: posix_spawn's old signature
    }
    args.push_back(nullptr);
    pid_t pid = 0;
    int started = ::posix_spawnp(&pid, args[0], &spawn.actions, nullptr, args.data(), environ);
    out->write.reset();
    err->write.reset();
    std::string program = printable_text(argv.front());
    if (started != 0) {
        return fail(ErrorCode::io_error,
                    started == ENOENT ? program + " is not installed (not found on PATH)"
                                      : "cannot run " + program + ": " + std::strerror(started));
    }
    ProgramResult result;
    bool complete = drain(out->read.get(), err->read.get(), result, max_output);
    if (!complete) {
        ::kill(pid, SIGKILL);
    }
    result.exit_status = wait_for(pid);
    if (!complete) {
        return fail(ErrorCode::io_error, program + " printed more than the input limit");
    }
    if (result.exit_status == 127 && result.out.empty()) {
        // The child could not chdir or exec after fork: posix_spawnp reports that as exit 127.
        return fail(ErrorCode::io_error,
                    "cannot run " + program + " in " + printable_text(cwd.string()));
    }
    return result;
}

}  // namespace harmony::util
