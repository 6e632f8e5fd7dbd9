// `check`: policy findings for the range and allocations, plus registry conflicts.
#include <cstdio>

#include "commands.hpp"

namespace harmony::cli {

std::function<int()> setup_check(CLI::App& app, const GlobalOptions& global) {
    auto json = std::make_shared<bool>(false);
    app.add_flag("--json", *json, "print {\"findings\":[...],\"errors\":N,\"warnings\":N}");
    return [json, &global] {
        auto where = locate(global);
        if (!where) {
            return report(where.error());
        }
        auto findings = run_checks(*where);
        if (!findings) {
            return report(findings.error());
        }
        if (*json) {
            std::fputs(findings_json(*findings).c_str(), stdout);
        } else {
            std::printf("checked %s\n", where->label.c_str());
            print_findings(*findings);
        }
        return count_findings(*findings, Severity::error) > 0 ? 1 : 0;
    };
}

}  // namespace harmony::cli
