// A finding: one thing a check (policy, registry, host, fleet, Kubernetes, topology) says about
// the data, with its severity, a stable code, a message about the data and a remedy as a Hint.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <harmony/network/hint.hpp>
#include <harmony/network/port_range.hpp>

namespace harmony::network {

enum class Severity { info, warning, error };

// "info", "warning" or "error".
std::string_view to_string(Severity s) noexcept;

// One finding. `code` is a stable kebab-case identifier documented in the README. `message`
// speaks of ports, services and files only; `hint` carries the remedy for the caller to word.
// Build one with the constructor, then set the context fields that apply.
struct Finding {
    Finding() = default;
    // The one way to make a finding: severity, code and message; context fields stay empty.
    Finding(Severity severity, std::string code, std::string message);

    Severity severity = Severity::info;
    std::string code;
    std::string message;
    std::optional<PortRange> ports;  // the ports involved, if any
    std::string service;             // the service involved, if any
    std::string platform;            // the platform involved, if any
    std::string cluster;             // the topology cluster involved, if any
    std::string host;                // the fleet host whose report it judges, if any
    Hint hint;                       // what could be done about it; kind none when nothing
};

// Errors first, then warnings, then infos; the order within a severity is kept.
void sort_by_severity(std::vector<Finding>& findings);

// Counts findings of a severity.
int count_findings(const std::vector<Finding>& findings, Severity severity);

}  // namespace harmony::network
