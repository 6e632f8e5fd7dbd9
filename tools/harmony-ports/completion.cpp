#include "completion.hpp"

#include <algorithm>
#include <filesystem>

#include <harmony/network/export.hpp>

#include "command_tree.hpp"

namespace harmony::cli {
namespace {

// Where an option's or a positional's values come from.
enum class Values { none, fixed, pools, services, files, folders, commands, shells, netns };

struct ValueRule {
    std::string_view command;  // the sub-command's name, "" for any
    std::string_view option;   // "--format", or a positional's name
    Values values;
    std::vector<std::string> fixed{};
};

std::vector<std::string> words_of(const std::vector<std::string_view>& list) {
    return {list.begin(), list.end()};
}

// The values an option or positional takes, where they are a closed set or names the
// registry and the machine know. Options not listed take free text (a port, an owner).
const std::vector<ValueRule>& value_rules() {
    static const std::vector<ValueRule> rules = {
        {"export", "--format", Values::fixed, words_of(network::export_formats())},
        {"init", "--format", Values::fixed, {"toml", "yaml"}},
        {"check", "--format", Values::fixed, {"text", "json", "prometheus"}},
        {"", "--protocol", Values::fixed, {"tcp", "udp", "tcp+udp"}},
        {"", "--scope", Values::fixed, {"range", "allocations"}},
        {"", "--source", Values::fixed, {"auto", "netlink", "proc"}},
        {"", "--color", Values::fixed, {"auto", "always", "never"}},
        {"", "--pool", Values::pools},
        {"", "--netns", Values::netns},
        {"", "--registry", Values::files},
        {"", "--kube", Values::files},
        {"", "--topology", Values::files},
        {"", "--output", Values::files},
        {"", "--html", Values::files},
        {"", "--from", Values::files},
        {"", "--store-creds", Values::files},
        {"", "--store-tls-ca", Values::files},
        {"", "--store-tls-cert", Values::files},
        {"", "--store-tls-key", Values::files},
        {"", "--man-dir", Values::folders},
        {"get", "name", Values::services},
        {"release", "name", Values::services},
        {"help", "command", Values::commands},
        {"completion", "shell", Values::shells},
        {"merge-driver", "", Values::files},
    };
    return rules;
}

const ValueRule* rule_for(const CLI::App& app, std::string_view option) {
    for (const auto& rule : value_rules()) {
        if ((rule.command.empty() || rule.command == app.get_name()) &&
            (rule.option.empty() || rule.option == option)) {
            return &rule;
        }
    }
    return nullptr;
}

// The first sentence of a description, short enough for a completion menu.
std::string brief(std::string text) {
    const auto end = text.find_first_of(".;(\n");
    if (end != std::string::npos) {
        text.resize(end);
    }
    while (!text.empty() && text.back() == ' ') {
        text.pop_back();
    }
    return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

std::vector<std::string> netns_names() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Where the completion stands after the words before the current one.
struct Position {
    const CLI::App* app = nullptr;
    const CLI::Option* pending = nullptr;  // an option still waiting for its value
    std::vector<std::string> arguments;    // positional words given to `app`
    std::string registry;                  // --registry's value, for the names
};

Position walk(const CLI::App& root, const std::vector<std::string>& before) {
    Position at;
    at.app = &root;
    for (const auto& word : before) {
        if (at.pending != nullptr) {
            if (at.pending->check_lname("registry")) {
                at.registry = word;
            }
            at.pending = nullptr;
        } else if (word.starts_with("-")) {
            const auto eq = word.find('=');
            const CLI::Option* option = accepted_option(*at.app, word.substr(0, eq));
            if (option != nullptr && takes_value(*option) && eq == std::string::npos) {
                at.pending = option;
            } else if (option != nullptr && option->check_lname("registry")) {
                at.registry = word.substr(eq + 1);
            }
        } else if (const CLI::App* sub = find_subcommand(*at.app, word);
                   sub != nullptr && at.arguments.empty()) {
            at.app = sub;
        } else {
            at.arguments.push_back(word);
        }
    }
    return at;
}

// Bash splits "--format=nft" into "--format", "=", "nft": the "=" words go, so the value is
// the word after its option (and a trailing "=" leaves an empty word to complete).
std::vector<std::string> without_bash_equals(std::vector<std::string> words) {
    std::vector<std::string> joined;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "=" && !joined.empty() && joined.back().starts_with("--")) {
            if (i + 1 == words.size()) {
                joined.emplace_back();
            }
            continue;
        }
        joined.push_back(std::move(words[i]));
    }
    return joined;
}

struct Offer {
    const CLI::App& root;
    const NameSource& names;
    const Position& at;
    CompletionResult& result;

    void word(const std::string& text, const std::string& description = {}) const {
        result.words.push_back({text, brief(description)});
    }

    void values(const ValueRule& rule, std::string_view prefix) const {
        auto add_all = [&](const std::vector<std::string>& list) {
            for (const auto& v : list) {
                word(std::string(prefix) + v);
            }
        };
        switch (rule.values) {
            case Values::fixed:
                add_all(rule.fixed);
                break;
            case Values::pools:
                add_all(names(NameKind::pools, at.registry));
                break;
            case Values::services:
                add_all(names(NameKind::services, at.registry));
                break;
            case Values::netns:
                add_all(netns_names());
                break;
            case Values::shells:
                add_all(completion_shells());
                break;
            case Values::files:
                result.paths = CompletionResult::Paths::files;
                break;
            case Values::folders:
                result.paths = CompletionResult::Paths::folders;
                break;
            case Values::commands: {
                const CLI::App* about = &root;
                for (const auto& a : at.arguments) {
                    about = about != nullptr ? find_subcommand(*about, a) : nullptr;
                }
                for (const CLI::App* sub : about != nullptr ? visible_subcommands(*about)
                                                            : std::vector<const CLI::App*>{}) {
                    word(sub->get_name(), sub->get_description());
                }
                break;
            }
            case Values::none:
                break;
        }
    }

    void options() const {
        for (const CLI::App* level = at.app; level != nullptr; level = level->get_parent()) {
            for (const CLI::Option* option : named_options(*level)) {
                for (const auto& name : typed_names(*option)) {
                    if (name.starts_with("--")) {
                        word(name, option->get_description());
                    }
                }
            }
        }
    }

    void commands_and_arguments() const {
        if (at.arguments.empty()) {
            for (const CLI::App* sub : visible_subcommands(*at.app)) {
                word(sub->get_name(), sub->get_description());
            }
        }
        const auto slots = positionals(*at.app);
        const bool repeats = !slots.empty() && slots.back()->get_items_expected_max() > 1;
        if (at.arguments.size() < slots.size() || repeats) {
            const auto* slot = slots[std::min(at.arguments.size(), slots.size() - 1)];
            if (const ValueRule* rule = rule_for(*at.app, slot->get_name())) {
                values(*rule, "");
            }
        }
    }
};

}  // namespace

CompletionResult complete_words(const CLI::App& root, std::vector<std::string> words,
                                const NameSource& names) {
    words = without_bash_equals(std::move(words));
    const std::string current = words.empty() ? std::string() : words.back();
    if (!words.empty()) {
        words.pop_back();
    }
    const Position at = walk(root, words);
    CompletionResult result;
    const Offer offer{root, names, at, result};
    if (at.pending != nullptr) {
        const auto names_of = typed_names(*at.pending);
        if (const ValueRule* rule = rule_for(*at.app, names_of.back())) {
            offer.values(*rule, "");
        }
    } else if (const auto eq = current.find('=');
               current.starts_with("--") && eq != std::string::npos) {
        if (const ValueRule* rule = rule_for(*at.app, current.substr(0, eq))) {
            offer.values(*rule, current.substr(0, eq + 1));
        }
    } else if (current.starts_with("-")) {
        offer.options();
    } else {
        offer.commands_and_arguments();
    }
    std::erase_if(result.words, [&](const Completion& c) { return !c.word.starts_with(current); });
    return result;
}

std::string completion_lines(const CompletionResult& result) {
    std::string out;
    for (const auto& c : result.words) {
        out += c.description.empty() ? c.word + "\n" : c.word + "\t" + c.description + "\n";
    }
    if (result.paths == CompletionResult::Paths::files) {
        out += ":files\n";
    } else if (result.paths == CompletionResult::Paths::folders) {
        out += ":folders\n";
    }
    return out;
}

}  // namespace harmony::cli
