// The files a command reads, and the rule that what it writes is none of them: an export, a
// report or a page written over the registry (or its harmony.toml, a topology file...) would
// replace the data the command was asked to describe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <harmony/network/error.hpp>
#include <harmony/network/registry_store.hpp>

namespace harmony::network {

// A file a command reads, and what it is to the command, for messages: "the registry file",
// "the topology file".
struct CommandInput {
    std::filesystem::path path;
    std::string what;
};

// The files `store` reads: a file store's registry file and the harmony.toml beside it (without
// a registry file, the harmony.toml whose range the embedded default takes); for any other store
// the harmony.toml that discovery from `options.start` (empty: the working folder) finds, which
// may name the store. Files that do not exist are left out. Never fails.
std::vector<CommandInput> store_inputs(const RegistryStore& store, const StoreOptions& options);

// Succeeds when writing `output` replaces none of `inputs`. `output` and each input are taken
// relative to the working folder with symbolic links followed; they are one file when the
// resolved paths are equal or when both exist on the same device and inode (a hard link).
// "-" (standard input or output) and empty paths are never files. Error: invalid_argument
// "output OUTPUT is WHAT this command reads; nothing written", naming the first input hit.
Expected<void> require_output_not_input(const std::filesystem::path& output,
                                        const std::vector<CommandInput>& inputs);

}  // namespace harmony::network
