#include "command_tree.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "util/did_you_mean.hpp"
#include "util/printable.hpp"

namespace harmony::cli {

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
    std::vector<const CLI::App*> shown;
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (!sub->get_group().empty()) {
            shown.push_back(sub);
        }
    }
    return shown;
}

const CLI::App* find_subcommand(const CLI::App& app, std::string_view name) {
    for (const CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_name() == name) {
            return sub;
        }
    }
    return nullptr;
}

std::vector<const CLI::Option*> named_options(const CLI::App& app) {
    return app.get_options([](const CLI::Option* o) { return o->nonpositional(); });
}

std::vector<const CLI::Option*> positionals(const CLI::App& app) {
    return app.get_options([](const CLI::Option* o) { return !o->nonpositional(); });
}

bool takes_value(const CLI::Option& option) {
    return option.get_items_expected_max() > 0;
}

std::vector<std::string> typed_names(const CLI::Option& option) {
    std::vector<std::string> names;
    for (const auto& s : option.get_snames()) {
        names.push_back("-" + s);
    }
    for (const auto& l : option.get_lnames()) {
        names.push_back("--" + l);
    }
    return names;
}

std::string option_usage(const CLI::Option& option) {
    std::string usage;
    for (const auto& name : typed_names(option)) {
        usage += usage.empty() ? name : ", " + name;
    }
    if (takes_value(option)) {
        // The value's name from the long name: --lock-timeout SECONDS reads better, but the
        // tree only knows the option, so it says what kind: --lock-timeout LOCK-TIMEOUT.
        std::string value = option.get_lnames().empty() ? "VALUE" : option.get_lnames().front();
        std::transform(value.begin(), value.end(), value.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        usage += " " + value;
    }
    return usage;
}

std::string command_path(const CLI::App& app) {
    std::string path = app.get_name();
    for (const CLI::App* up = app.get_parent(); up != nullptr; up = up->get_parent()) {
        path.insert(0, fmt::format("{} ", up->get_name()));
    }
    return path;
}

std::vector<std::string> accepted_option_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
        for (const CLI::Option* option : named_options(*level)) {
            for (auto& name : typed_names(*option)) {
                names.push_back(std::move(name));
            }
        }
    }
    return names;
}

const CLI::Option* accepted_option(const CLI::App& app, std::string_view name) {
    for (const CLI::App* level = &app; level != nullptr; level = level->get_parent()) {
        for (const CLI::Option* option : named_options(*level)) {
            const auto names = typed_names(*option);
            if (std::find(names.begin(), names.end(), name) != names.end()) {
                return option;
            }
        }
    }
    return nullptr;
}

std::string did_you_mean_or(std::string_view typed, const std::vector<std::string>& candidates,
                            std::string otherwise) {
    const std::string hint = util::closest_match(typed, candidates);
    return hint.empty() ? otherwise : fmt::format("did you mean {}?", hint);
}

std::string unknown_option_message(const CLI::App& root, const std::vector<std::string>& args) {
    const CLI::App* at = &root;
    bool positional_seen = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--") {
            break;
        }
        if (!word.starts_with("-") || word == "-") {
            const CLI::App* sub = positional_seen ? nullptr : find_subcommand(*at, word);
            at = sub != nullptr ? sub : at;
            positional_seen = sub == nullptr;
            continue;
        }
        const std::string name = word.substr(0, word.find('='));
        if (const CLI::Option* option = accepted_option(*at, name)) {
            i += takes_value(*option) && name.size() == word.size() ? 1 : 0;
            continue;
        }
        if (!name.starts_with("--") && name.size() > 2) {
            continue;  // -abc: CLI11 reads short flags together; its own message says more
        }
        return fmt::format("unknown option '{}' for '{}' ({})", util::printable_text(name),
                           command_path(*at),
                           did_you_mean_or(name, accepted_option_names(*at),
                                           fmt::format("see {} --help", command_path(*at))));
    }
    return {};
}

}  // namespace harmony::cli
