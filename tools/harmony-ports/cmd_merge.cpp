// `merge-driver %O %A %B [%P]`: git's custom merge driver for the registry.
#include <fmt/format.h>

#include <harmony/network/registry_merge.hpp>

#include "commands.hpp"
#include "output.hpp"
#include "util/printable.hpp"
#include "util/shell_word.hpp"

namespace harmony::cli {

namespace {

// The allocate command that places a left-out allocation again, with what it had.
std::string allocate_again(const Allocation& a) {
    std::string command = "harmony-ports allocate ";
    command += util::shell_word(a.name);
    if (!a.pool.empty()) {
        command += " --pool " + util::shell_word(a.pool);
    }
    if (a.protocols != Protocols::tcp) {
        command += " --protocol ";
        command += to_string(a.protocols);
    }
    if (a.ports.size() > 1) {
        command += fmt::format(" --count {}", a.ports.size());
    }
    for (auto [flag, value] : {std::pair{" --owner ", &a.owner}, std::pair{" --notes ", &a.notes},
                               std::pair{" --process ", &a.process}}) {
        if (!value->empty()) {
            command += flag + util::shell_word(*value);
        }
    }
    return command;
}

// `file` is the registry's path as given: shown printable, quoted as a shell word in commands.
std::string settle_text(const MergeConflict& c, const std::string& file) {
    switch (c.remedy) {
        case MergeRemedy::keep:
            return "nothing to run to keep that";
        case MergeRemedy::allocate_again:
            return "place it again: " + allocate_again(*c.dropped);
        case MergeRemedy::release_again:
            return fmt::format("to release it as the other side did: harmony-ports release {}",
                               util::shell_word(c.subject));
        case MergeRemedy::edit:
            return fmt::format("edit {} if the other side's value is wanted",
                               util::printable_text(file, 200));
    }
    return {};
}

int report_conflicts(const MergeOutcome& outcome, const std::string& file) {
    const auto& conflicts = outcome.result.conflicts;
    print_err("merge",
              fmt::format("{}: {} conflict{}; {}", util::printable_text(file, 200),
                          conflicts.size(), conflicts.size() == 1 ? "" : "s",
                          outcome.written ? "the file holds a valid registry with ours' side of "
                                            "each"
                                          : "the file holds ours unchanged"));
    for (const auto& c : conflicts) {
        print_err("conflict", c.message);
        print_err("  settle", settle_text(c, file));
    }
    print_err("then", fmt::format("git add {} && git commit", util::shell_word(file)));
    return 1;
}

}  // namespace

std::function<int()> setup_merge_driver(CLI::App& app, const GlobalOptions& /*global*/) {
    struct Options {
        std::string base, ours, theirs, path;
    };
    auto o = std::make_shared<Options>();
    app.add_option("base", o->base, "the common ancestor's version (git's %O)")->required();
    app.add_option("ours", o->ours, "our version, replaced by the merge (git's %A)")->required();
    app.add_option("theirs", o->theirs, "their version (git's %B)")->required();
    app.add_option("path", o->path, "the registry's path in the repository (git's %P)");
    return [o] {
        MergeFiles files{o->base, o->ours, o->theirs, o->path};
        auto outcome = merge_registry_files(files);
        if (!outcome) {
            return report(outcome.error());
        }
        if (outcome->result.conflicts.empty()) {
            return 0;
        }
        return report_conflicts(*outcome, o->path.empty() ? o->ours : o->path);
    };
}

}  // namespace harmony::cli
