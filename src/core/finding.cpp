#include <harmony/network/finding.hpp>

#include <algorithm>

namespace harmony::network {

Finding::Finding(Severity severity, std::string code, std::string message)
    : severity(severity), code(std::move(code)), message(std::move(message)) {}

std::string_view to_string(Severity s) noexcept {
    switch (s) {
        case Severity::info:
            return "info";
        case Severity::warning:
            return "warning";
        case Severity::error:
            return "error";
    }
    return "info";
}

void sort_by_severity(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return static_cast<int>(a.severity) > static_cast<int>(b.severity);
    });
}

int count_findings(const std::vector<Finding>& findings, Severity severity) {
    return static_cast<int>(std::count_if(findings.begin(), findings.end(), [&](const Finding& f) {
        return f.severity == severity;
    }));
}

}  // namespace harmony::network
