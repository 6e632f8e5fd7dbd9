#include "output.hpp"

#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "hint_text.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

// What went wrong with one stream; errno of the first failure, -1 when only ferror() knows.
struct StreamState {
    bool failed = false;
    int error = 0;
};

OutputMode g_mode;
StreamState g_out;
StreamState g_err;
network::Hint g_durable;
std::string g_done;

void remember(StreamState& state, int error) {
    if (!state.failed) {
        state.failed = true;
        state.error = error != 0 ? error : -1;
    }
}

bool write_all(std::FILE* stream, std::string_view text) {
    return std::fwrite(text.data(), 1, text.size(), stream) == text.size();
}

}  // namespace

void set_output_mode(OutputMode mode) {
    g_mode = mode;
}

bool quiet() {
    return g_mode.quiet;
}

bool color_enabled() {
    if (g_mode.color != ColorMode::automatic) {
        return g_mode.color == ColorMode::always;
    }
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return (no_color == nullptr || *no_color == '\0') &&
           (term == nullptr || std::string_view(term) != "dumb") && ::isatty(STDOUT_FILENO) == 1;
}

void write_out(std::string_view text) {
    if (g_mode.quiet) {
        return;
    }
    errno = 0;
    if (!write_all(stdout, text)) {
        remember(g_out, errno);
    }
}

void flush_out() {
    errno = 0;
    if (std::fflush(stdout) != 0) {
        remember(g_out, errno);
    }
}

void print_err(std::string_view label, std::string_view text) {
    if (g_mode.quiet && label != "error") {
        return;
    }
    std::string lines;
    while (true) {
        const auto nl = text.find('\n');
        lines +=
            fmt::format("harmony-ports: {}: {}\n", label, util::terminal_safe(text.substr(0, nl)));
        if (nl == std::string_view::npos) {
            break;
        }
        text.remove_prefix(nl + 1);
    }
    errno = 0;
    if (!write_all(stderr, lines) || std::fflush(stderr) != 0) {
        remember(g_err, errno);
    }
}

void write_err(std::string_view text) {
    errno = 0;
    if (!write_all(stderr, text) || std::fflush(stderr) != 0) {
        remember(g_err, errno);
    }
}

void note_durable_change(std::string done, network::Hint hint) {
    g_done = std::move(done);
    g_durable = std::move(hint);
}

int finish_output(int code) {
    // stdout first, while errno still says why; CLI11 writes help and version text through
    // std::cout, which shares stdout's buffer (sync_with_stdio) and fails with it.
    errno = 0;
    if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
        remember(g_out, errno);
    }
    if (!std::cout.flush()) {
        remember(g_out, 0);
    }
    if (g_out.failed) {
        std::string message =
            g_done.empty() ? "cannot write to standard output" : g_done + " but could not print it";
        if (g_out.error > 0) {
            message += fmt::format(": {}", std::strerror(g_out.error));
        }
        if (g_durable.kind != network::HintKind::none) {
            message += "; " + hint_text(g_durable);
        }
        print_err("error", message);
        return 3;
    }
    return g_err.failed ? 3 : code;
}

}  // namespace harmony::cli
