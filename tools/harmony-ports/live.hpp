// What `scan`, `check --host`, `allocate --probe` and the default view share about the host.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <harmony/network/allocator.hpp>
#include <harmony/network/host_check.hpp>
#include <harmony/network/host_scan.hpp>

#include "context.hpp"

namespace harmony::cli {

// --netns and --source, as given on the command line.
struct HostOptions {
    std::string netns;            // empty: this process's network namespace
    std::string source = "auto";  // auto | netlink | proc
};

// Registers --netns NAME and --source auto|netlink|proc on `app`.
void add_host_options(CLI::App& app, HostOptions& options);

// Enters the --netns namespace when one is named (nullopt otherwise). Everything a command
// reads about the host afterwards (sockets, sysctls) is that namespace's.
Expected<std::optional<NetworkNamespace>> enter_netns(const HostOptions& options);

// A scan of `registry`'s sockets (owners included) joined with the registry, plus the host
// facts, of the calling thread's network namespace.
struct LiveView {
    ScanResult scan;
    std::vector<ScanRow> rows;
    HostFacts facts;
};
Expected<LiveView> look_at_host(const Registry& registry, const HostOptions& options,
                                std::optional<PortRange> ports);

// One row as `scan --json` and `get --host --json` give it: {"first","last","protocol",
// "address","pid","process","service","expected_process","verdict"}, unknown values null.
nlohmann::ordered_json scan_row_json(const ScanRow& row);

// Appends `check --host` findings for `registry`'s range to `findings`, most severe first.
Expected<void> add_host_findings(const Registry& registry, const HostOptions& options,
                                 std::vector<Finding>& findings);

// The ports of `range` that something holds now, per protocol, for allocate --probe.
Expected<PortProbe> probe_for(const PortRange& range);

}  // namespace harmony::cli
