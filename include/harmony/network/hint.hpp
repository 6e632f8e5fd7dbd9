// What a caller could do next, as data: the library names the remedy, the caller words it.
// Library messages speak of files, ports and services only; a CLI turns a Hint into its own
// flags ("pass --force"), a binding into its own API names.
#pragma once

#include <string>
#include <string_view>

namespace harmony::network {

enum class HintKind {
    none,
    create_registry,     // no registry exists: create one (subject: the folder searched)
    overwrite,           // the file exists: allow overwriting it (subject: the file)
    name_pool,           // the port lies in a reserved pool: ask for it by name (subject: pool)
    allow_registered,    // only IANA/known-software ports are left: allow them
    trust_explicitly,    // a discovered file is not trusted: name it explicitly (subject: file)
    pin_port,            // register the port in use by pinning it (subject: the port)
    reserve_ephemeral,   // install the kernel reservation export (sysctl)
    name_registry_file,  // a folder was given where a registry file is wanted (subject: folder)
    wait_longer,         // a lock was held too long: wait longer or stop its holder
    show_allocation,     // the change is durable but could not be printed (subject: service)
    reallocate,          // the allocation sits on a taken port: release it and allocate it
                         // again for a free one (subject: the service)
    init_store,          // the store holds no registry yet: initialise it (subject: the store)
    repair_store,        // leftovers of interrupted transactions: repair the store (subject:
                         // the store)
    merge_conflict,      // the file holds git conflict markers: merge it as data with the
                         // registry's merge driver (subject: the file)
    restore_store,       // the store lost its registry config but holds allocations: write the
                         // config again, keeping them (subject: the store)
};

// A remedy for an Error or a Finding. `subject` is the data it is about (a path, a pool, a
// port number, a service name); empty when the kind needs none.
struct Hint {
    HintKind kind = HintKind::none;
    std::string subject;
};

// Stable kebab-case identifier of the kind, e.g. "pin-port" (used in --json output).
std::string_view to_string(HintKind kind) noexcept;

}  // namespace harmony::network
