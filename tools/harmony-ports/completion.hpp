// Shell completion: one engine over the command tree (`harmony-ports __complete WORDS...`) and
// thin bash, zsh and fish scripts that call it, so completion follows the commands as they
// change and can offer the registry's own pool and service names.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace harmony::cli {

// One completion: the word, and a few words on what it is ("" when nothing helps).
struct Completion {
    std::string word;
    std::string description;
};

// What a completion engine may need from outside the tree.
enum class NameKind { pools, services };
using NameSource =
    std::function<std::vector<std::string>(NameKind kind, std::string_view registry)>;

// What the shell should offer after `words` (the words after the program name; the last one is
// the word being completed, "" at a fresh word). Bash's separate "=" words (--format = nft) are
// understood. `files` is set when file (or folder) names are what fits.
struct CompletionResult {
    std::vector<Completion> words;
    enum class Paths { none, files, folders } paths = Paths::none;
};
CompletionResult complete_words(const CLI::App& root, std::vector<std::string> words,
                                const NameSource& names);

// The output of `__complete`: "WORD\tDESCRIPTION" lines, then ":files" or ":folders" when the
// shell should offer paths.
std::string completion_lines(const CompletionResult& result);

// The completion script for `shell` (bash, zsh or fish), or nullopt for another shell.
std::optional<std::string> completion_script(std::string_view shell);

// The shells completion_script knows.
const std::vector<std::string>& completion_shells();

}  // namespace harmony::cli
