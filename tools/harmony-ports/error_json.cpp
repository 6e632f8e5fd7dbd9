#include "error_json.hpp"

#include <nlohmann/json.hpp>

#include "hint_text.hpp"
#include "util/printable.hpp"

namespace harmony::cli {
namespace {

bool g_json_errors = false;

// Each line made terminal-safe, as print_err shows it; the lines stay apart.
std::string safe_lines(std::string_view text) {
    std::string out;
    while (true) {
        const auto nl = text.find('\n');
        out += util::terminal_safe(text.substr(0, nl));
        if (nl == std::string_view::npos) {
            return out;
        }
        out += '\n';
        text.remove_prefix(nl + 1);
    }
}

}  // namespace

void set_json_errors(bool on) {
    g_json_errors = on;
}

bool json_errors() {
    return g_json_errors;
}

bool given_json(const CLI::App& app) {
    if (const auto* option = app.get_option_no_throw("--json"); option && option->count() > 0) {
        return true;
    }
    for (const auto* sub : app.get_subcommands()) {
        if (given_json(*sub)) {
            return true;
        }
    }
    return false;
}

std::string error_json(const network::Error& error) {
    nlohmann::ordered_json body;
    body["code"] = network::to_string(error.code);
    body["message"] = safe_lines(error.message);
    if (error.hint.kind != network::HintKind::none) {
        body["hint"] = util::terminal_safe(hint_text(error.hint));
    }
    if (error.position) {
        body["file"] = util::terminal_safe(error.position->file);
        body["line"] = error.position->line;
        body["column"] = error.position->column;
    }
    const nlohmann::ordered_json out{{"error", std::move(body)}};
    return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace harmony::cli
