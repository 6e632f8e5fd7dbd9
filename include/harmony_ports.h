/* harmony_ports.h: the C ABI of harmony-ports (ADR-014 port allocation).
 *
 * Plain C11, usable from C++ and through any FFI (the Rust crate in bindings/rust uses it).
 * Every name starts with hp_ (HP_ for constants). The shared library is libharmony_ports.so.0.
 *
 *   hp_allocator* ports = NULL;
 *   hp_allocator_new(25000, 25999, &ports, NULL);
 *   hp_port_range rgw;
 *   hp_error* error = NULL;
 *   if (hp_allocator_allocate(ports, "ceph-rgw", HP_NUL_TERMINATED, NULL, &rgw, &error) != HP_OK) {
 *       fprintf(stderr, "harmony-ports: error: %s\n", hp_error_message(error));
 *       hp_error_free(error);
 *   }
 *   hp_allocator_free(ports);
 *
 * Conventions, for every function below:
 * - A function that can fail returns hp_status: HP_OK, or the code of what went wrong (the
 *   same codes as the C++ library's ErrorCode, in the same order, plus one). When `error` is
 *   not NULL, a failure stores a new hp_error there (free it with hp_error_free); success
 *   leaves *error untouched. Out-parameters are written only on success.
 * - Text is passed as a pointer and a size in bytes; HP_NUL_TERMINATED as the size means the
 *   text ends at its first NUL. Text must be valid UTF-8 without NUL bytes, at most
 *   HP_MAX_TEXT_SIZE bytes; paths are bytes as the OS takes them (no NUL). A NULL pointer
 *   where text is required, bad UTF-8, an embedded NUL or a bad size is HP_INVALID_ARGUMENT,
 *   never a crash. Optional text is NULL for "not given".
 * - A NULL handle or out-parameter is HP_INVALID_ARGUMENT. No C++ exception crosses this
 *   boundary; out of memory is HP_IO_ERROR (its hp_error may be a shared one, which
 *   hp_error_free knows not to free).
 * - Everything the library hands out has one matching hp_*_free, which accepts NULL.
 *   Strings inside a returned object live as long as that object.
 * - Enumerations travel as int32_t inside structs (a fixed size for every compiler and FFI);
 *   values outside an enumeration are HP_INVALID_ARGUMENT.
 * - Thread-safety: hp_allocator and hp_registry handles may be shared between threads; each
 *   serializes its own calls (one mutex per handle; a registry handle keeps it while it waits
 *   for the registry's file lock, so a thread waiting on another process holds up the other
 *   threads using that handle: give each thread its own handle when that matters). Lists, findings
 * and errors are immutable: any thread may read them, one may free them. Functions without a handle
 * are thread-safe.
 */
#ifndef HARMONY_PORTS_H
#define HARMONY_PORTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HP_VERSION_MAJOR 0
#define HP_VERSION_MINOR 1
#define HP_VERSION_PATCH 0

/* The size value meaning "up to the first NUL". */
#define HP_NUL_TERMINATED ((size_t)-1)
/* The largest text size accepted (bytes); larger sizes are HP_INVALID_ARGUMENT. */
#define HP_MAX_TEXT_SIZE ((size_t)1 << 20)

/* Outcome of a call. Values 1-12 are the C++ library's ErrorCode + 1; the CLI exits with
 * hp_status_exit_code() of them. */
typedef enum hp_status {
    HP_OK = 0,
    HP_INVALID_ARGUMENT = 1,  /* bad name, range, option or text          (exit 2) */
    HP_PARSE_ERROR = 2,       /* malformed TOML/YAML/JSON                  (exit 2) */
    HP_INVALID_REGISTRY = 3,  /* registry content breaks the rules         (exit 2) */
    HP_NOT_FOUND = 4,         /* unknown service or pool, no registry file (exit 1) */
    HP_CONFLICT = 5,          /* pinned port taken, name placed elsewhere  (exit 1) */
    HP_EXHAUSTED = 6,         /* no free port or block left                (exit 1) */
    HP_ALREADY_EXISTS = 7,    /* the file exists                           (exit 1) */
    HP_PERMISSION_DENIED = 8, /* the OS refused, read-only registry         (exit 3) */
    HP_IO_ERROR = 9,          /* any other OS failure, out of memory       (exit 3) */
    HP_FILE_NOT_FOUND = 10,   /* an input file that must exist does not    (exit 2) */
    HP_UNTRUSTED = 11,        /* a discovered file owned by someone else   (exit 3) */
    HP_LOCK_TIMEOUT = 12      /* the registry lock stayed held too long    (exit 3) */
} hp_status;

/* Transport protocols of an allocation; HP_PROTOCOLS_DEFAULT only in requests. */
typedef enum hp_protocols {
    HP_PROTOCOLS_DEFAULT = 0, /* tcp for a new name, the existing ones for a known name */
    HP_TCP = 1,
    HP_UDP = 2,
    HP_TCP_UDP = 3
} hp_protocols;

/* What the caller could do about an error or a finding (the C++ HintKind, same order). */
typedef enum hp_hint {
    HP_HINT_NONE = 0,
    HP_HINT_CREATE_REGISTRY,    /* no registry: create one (subject: the folder searched)   */
    HP_HINT_OVERWRITE,          /* the file exists: allow overwriting (subject: the file)   */
    HP_HINT_NAME_POOL,          /* the port is in a reserved pool: name it (subject: pool)  */
    HP_HINT_ALLOW_REGISTERED,   /* only IANA/known-software ports are left: allow them      */
    HP_HINT_TRUST_EXPLICITLY,   /* a discovered file is not trusted: open it by path        */
    HP_HINT_PIN_PORT,           /* register the port in use by pinning it (subject: port)   */
    HP_HINT_RESERVE_EPHEMERAL,  /* install the kernel reservation export (sysctl)           */
    HP_HINT_NAME_REGISTRY_FILE, /* a folder was given where a registry file is wanted       */
    HP_HINT_WAIT_LONGER,        /* the lock was held too long: wait longer or stop holder   */
    HP_HINT_SHOW_ALLOCATION,    /* the change is durable but could not be shown             */
    HP_HINT_REALLOCATE,         /* the allocation sits on a taken port: release, allocate   */
    HP_HINT_INIT_STORE,         /* the fleet store holds no registry: initialise it         */
    HP_HINT_REPAIR_STORE,       /* leftovers of interrupted transactions: repair the store  */
    HP_HINT_MERGE_CONFLICT,     /* git conflict markers: redo the merge with the driver     */
    HP_HINT_RESTORE_STORE       /* the store lost its config: restore it, keeping allocations */
} hp_hint;

typedef enum hp_severity {
    HP_SEVERITY_INFO = 0,
    HP_SEVERITY_WARNING = 1,
    HP_SEVERITY_ERROR = 2
} hp_severity;

/* An inclusive range of ports: one port when first == last. */
typedef struct hp_port_range {
    uint16_t first;
    uint16_t last;
} hp_port_range;

/* ---- errors ----------------------------------------------------------------------------- */

typedef struct hp_error hp_error;

/* The error's code (never HP_OK). */
/* Thread-safety: safe from any thread. */
hp_status hp_error_code(const hp_error* error);
/* The message the CLI prints after "harmony-ports: error: " (without the worded hint): it
 * names the file, line:column, port and service involved. "" for a NULL error. */
/* Thread-safety: safe from any thread. */
const char* hp_error_message(const hp_error* error);
/* The remedy, as data: a kind and its subject ("" when the kind needs none). */
/* Thread-safety: safe from any thread. */
hp_hint hp_error_hint(const hp_error* error);
/* Thread-safety: safe from any thread. */
const char* hp_error_hint_subject(const hp_error* error);
/* Thread-safety: no other call may use the object during or after this one. */
void hp_error_free(hp_error* error);

/* Stable kebab-case name of a status ("ok", "invalid-argument", ...); "unknown" otherwise. */
/* Thread-safety: safe from any thread. */
const char* hp_status_name(hp_status status);
/* The CLI's exit code for a status: 0, 1, 2 or 3 (3 for an unknown value). */
/* Thread-safety: safe from any thread. */
int hp_status_exit_code(hp_status status);
/* Stable kebab-case name of a hint kind ("pin-port", ...); "unknown" otherwise. */
/* Thread-safety: safe from any thread. */
const char* hp_hint_name(hp_hint hint);

/* The library version, "0.1.0". */
/* Thread-safety: safe from any thread. */
const char* hp_version(void);

/* ---- requests ----------------------------------------------------------------------------- */

/* Everything `harmony-ports allocate` takes. Start from HP_ALLOCATE_OPTIONS_INIT (or
 * hp_allocate_options_init) so fields added later get their defaults; struct_size tells the
 * library which fields the caller knows. */
typedef struct hp_allocate_options {
    uint32_t struct_size; /* sizeof(hp_allocate_options) */
    const char* pool;     /* NULL or "": the default pool */
    size_t pool_size;
    int32_t protocols; /* an hp_protocols value; HP_PROTOCOLS_DEFAULT: see hp_protocols */
    uint32_t count;    /* block size 1-65535; 0: 1 for a new name, as placed for a known */
    int32_t port;      /* pin: the first port, 0-65535; -1: not pinned */
    const char* owner; /* NULL: not given (a known name keeps its owner) */
    size_t owner_size;
    const char* notes; /* NULL: not given */
    size_t notes_size;
    const char* process; /* NULL: not given; the expected process (comm) name */
    size_t process_size;
    int allow_registered; /* nonzero: keep IANA/known-software ports as candidates */
    int probe;            /* nonzero: also skip ports in use on this host now */
} hp_allocate_options;

#define HP_ALLOCATE_OPTIONS_INIT                                                                   \
    {                                                                                              \
        sizeof(hp_allocate_options), NULL, 0, HP_PROTOCOLS_DEFAULT, 0, -1, NULL, 0, NULL, 0, NULL, \
            0, 0, 0                                                                                \
    }

/* Sets *options to HP_ALLOCATE_OPTIONS_INIT. */
/* Thread-safety: safe from any thread. */
void hp_allocate_options_init(hp_allocate_options* options);

/* What `check` looks at besides the policy and the registry. */
#define HP_CHECK_HOST 1u /* also what listens on this host (as `check --host`) */

/* ---- results ------------------------------------------------------------------------------ */

/* One service's ports, as `list` shows it. Strings are "" when empty. */
typedef struct hp_allocation {
    const char* name;
    hp_port_range ports;
    int32_t protocols; /* an hp_protocols value */
    const char* pool;  /* "" for the default pool */
    const char* owner;
    const char* notes;
    const char* process;
} hp_allocation;

/* Allocations in canonical order (by first port, protocol, name). */
typedef struct hp_allocations hp_allocations;
/* Thread-safety: safe from any thread. */
size_t hp_allocations_size(const hp_allocations* list);
/* The allocation at `index`, or NULL when index >= size. */
/* Thread-safety: safe from any thread. */
const hp_allocation* hp_allocations_at(const hp_allocations* list, size_t index);
/* Thread-safety: no other call may use the object during or after this one. */
void hp_allocations_free(hp_allocations* list);

/* One finding of `check`. `code` is the stable kebab-case identifier; strings are "" when
 * not set; has_ports says whether `ports` is set. */
typedef struct hp_finding {
    int32_t severity; /* an hp_severity value */
    const char* code;
    const char* message;
    int has_ports;
    hp_port_range ports;
    const char* service;
    const char* platform;
    const char* cluster;
    int32_t hint; /* an hp_hint value */
    const char* hint_subject;
} hp_finding;

/* Findings, most severe first. */
typedef struct hp_findings hp_findings;
/* Thread-safety: safe from any thread. */
size_t hp_findings_size(const hp_findings* findings);
/* The finding at `index`, or NULL when index >= size. */
/* Thread-safety: safe from any thread. */
const hp_finding* hp_findings_at(const hp_findings* findings, size_t index);
/* Thread-safety: no other call may use the object during or after this one. */
void hp_findings_free(hp_findings* findings);

/* A string the library made (an export); free it with hp_string_free. */
/* Thread-safety: no other call may use the object during or after this one. */
void hp_string_free(char* text);

/* What an export covers and where its topology is. */
typedef struct hp_export_options {
    uint32_t struct_size; /* sizeof(hp_export_options) */
    int allocations_only; /* nonzero: firewall/kernel formats cover the allocations only */
    const char* source;   /* names the registry in the output; NULL: the registry's label */
    size_t source_size;
    const char* topology; /* cpp, rust: a topology file (path); NULL: none */
    size_t topology_size;
} hp_export_options;

#define HP_EXPORT_OPTIONS_INIT \
    { sizeof(hp_export_options), 0, NULL, 0, NULL, 0 }

/* The export format names, in `--help` order, separated by single spaces. */
/* Thread-safety: safe from any thread. */
const char* hp_export_formats(void);

/* ---- the in-memory allocator (ADR-014 §4: PortAllocator::new(25_000, 25_999)) -------------- */

typedef struct hp_allocator hp_allocator;

/* An empty registry over [first, last] (swapped when first > last). */
/* Thread-safety: safe from any thread. */
hp_status hp_allocator_new(uint16_t first, uint16_t last, hp_allocator** out, hp_error** error);
/* Thread-safety: no other call may use the object during or after this one. */
void hp_allocator_free(hp_allocator* allocator);

/* Places `name` by the deterministic rule, or returns its ports unchanged (see
 * `harmony-ports allocate`). `options` may be NULL (defaults). Errors: HP_INVALID_ARGUMENT,
 * HP_NOT_FOUND (pool), HP_CONFLICT, HP_EXHAUSTED, and the probe's. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_allocator_allocate(hp_allocator* allocator, const char* name, size_t name_size,
                                const hp_allocate_options* options, hp_port_range* out,
                                hp_error** error);

/* Removes `name`, keeping its ports in quarantine for `quarantine_days` (-1: the registry's
 * 30 days; 0-3650). Errors: HP_NOT_FOUND, HP_INVALID_ARGUMENT. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_allocator_release(hp_allocator* allocator, const char* name, size_t name_size,
                               int32_t quarantine_days, hp_error** error);

/* Adds a named pool (reserved: only requests naming it get its ports, pins included). */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_allocator_add_pool(hp_allocator* allocator, const char* name, size_t name_size,
                                hp_port_range ports, int reserved, hp_error** error);

/* The allocation of `name`: a list of one, or of none when no allocation has that name (any
 * text, a valid service name or not, is looked up). */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_allocator_find(hp_allocator* allocator, const char* name, size_t name_size,
                            hp_allocations** out, hp_error** error);

/* Every allocation. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_allocator_list(hp_allocator* allocator, hp_allocations** out, hp_error** error);

/* Policy and registry findings (`flags`: HP_CHECK_HOST or 0). */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_allocator_check(hp_allocator* allocator, unsigned flags, hp_findings** out,
                             hp_error** error);

/* The registry in `format` (one of hp_export_formats()); `options` may be NULL. *out is
 * NUL-terminated; *out_size (when not NULL) gets its length. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_allocator_export(hp_allocator* allocator, const char* format, size_t format_size,
                              const hp_export_options* options, char** out, size_t* out_size,
                              hp_error** error);

/* ---- the registry file (the same files, discovery, trust and lock as the CLI) ------------- */

typedef struct hp_registry hp_registry;

/* The registry found as the CLI finds it: the fleet store HARMONY_PORTS_STORE names (a NATS
 * JetStream KV bucket; a token from HARMONY_PORTS_STORE_TOKEN), else the file
 * HARMONY_PORTS_REGISTRY names, else the nearest harmony.toml's [harmony.network.store] url or
 * registry file at or above `folder` (NULL: the working folder). Only files owned by the caller or
 * root are trusted. Without a file, reads see the embedded ADR-014 default and changes fail with
 * HP_NOT_FOUND. Both this and hp_registry_open take the lock timeout from
 * HARMONY_PORTS_LOCK_TIMEOUT (seconds) when it is set; a value that is not a whole number of
 * seconds is HP_INVALID_ARGUMENT. */
/* Thread-safety: safe from any thread. */
hp_status hp_registry_discover(const char* folder, size_t folder_size, hp_registry** out,
                               hp_error** error);

/* The registry file at `path` (trusted as named; it need not exist yet, but an empty path is
 * HP_INVALID_ARGUMENT). */
/* Thread-safety: safe from any thread. */
hp_status hp_registry_open(const char* path, size_t path_size, hp_registry** out, hp_error** error);
/* Thread-safety: no other call may use the object during or after this one. */
void hp_registry_free(hp_registry* registry);

/* Where the registry lives: its file, or the embedded default's description. The string lives
 * as long as the handle. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
const char* hp_registry_label(const hp_registry* registry);

/* How long changes wait for the registry lock (default 30000 ms; 0: try once; at most
 * 86400000 ms, a day, else HP_INVALID_ARGUMENT). */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_registry_set_lock_timeout(hp_registry* registry, uint32_t milliseconds,
                                       hp_error** error);

/* hp_allocator_allocate as one transaction on the file: lock, read, place, write. Durable
 * when it returns HP_OK. Errors also: file, parse, trust and lock errors. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_registry_allocate(hp_registry* registry, const char* name, size_t name_size,
                               const hp_allocate_options* options, hp_port_range* out,
                               hp_error** error);

/* hp_allocator_release as one transaction on the file; durable when it returns HP_OK. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_registry_release(hp_registry* registry, const char* name, size_t name_size,
                              int32_t quarantine_days, hp_error** error);

/* Reads the registry (validated) and returns the allocation of `name` (a list of 0 or 1, as
 * hp_allocator_find). */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_registry_find(hp_registry* registry, const char* name, size_t name_size,
                           hp_allocations** out, hp_error** error);

/* Reads the registry (validated) and returns every allocation. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_registry_list(hp_registry* registry, hp_allocations** out, hp_error** error);

/* `harmony-ports check`: registry conflicts and policy findings, with HP_CHECK_HOST also the
 * host's. Findings of severity error are data, not a failure: the status says whether the
 * check could run. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_registry_check(hp_registry* registry, unsigned flags, hp_findings** out,
                            hp_error** error);

/* `harmony-ports export`: the registry (validated) in `format`. */
/* Thread-safety: safe on a shared handle; calls on one handle are serialized. */
hp_status hp_registry_export(hp_registry* registry, const char* format, size_t format_size,
                             const hp_export_options* options, char** out, size_t* out_size,
                             hp_error** error);

#ifdef __cplusplus
}
#endif

#endif /* HARMONY_PORTS_H */
