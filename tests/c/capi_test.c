/* Exercises every function of harmony_ports.h from plain C11, through the shared library.
 * Run as: capi_test HARMONY_PORTS_CLI SCRATCH_FOLDER_PARENT TOPOLOGY_FILE
 * The CLI makes a registry and says what it prints for the same failure, so the test can
 * check that C callers get the CLI's message, code and exit status. */
#define _POSIX_C_SOURCE 200809L
#include <harmony_ports.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_failures = 0;

#define CHECK(condition)                                                                  \
    do {                                                                                  \
        if (!(condition)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            ++g_failures;                                                                 \
        }                                                                                 \
    } while (0)

/* Checks a failed call's status and error, then frees the error. */
static void check_error(hp_status status, hp_error* error, hp_status expected,
                        const char* message_part) {
    if (status != expected) {
        fprintf(stderr, "status %s, expected %s: %s\n", hp_status_name(status),
                hp_status_name(expected), hp_error_message(error));
    }
    CHECK(status == expected);
    CHECK(error != NULL);
    if (error == NULL) {
        return;
    }
    CHECK(hp_error_code(error) == expected);
    if (strstr(hp_error_message(error), message_part) == NULL) {
        fprintf(stderr, "message '%s' lacks '%s'\n", hp_error_message(error), message_part);
        ++g_failures;
    }
    hp_error_free(error);
}

/* `call` stores its error in the variable `error` of the caller (set after the call). */
#define expect_error(call, error, expected, message_part)    \
    do {                                                     \
        hp_status status_ = (call);                          \
        check_error(status_, error, expected, message_part); \
    } while (0)

static void test_names_and_version(void) {
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", HP_VERSION_MAJOR, HP_VERSION_MINOR,
             HP_VERSION_PATCH);
    CHECK(strcmp(hp_version(), expected) == 0);
    CHECK(strcmp(hp_status_name(HP_OK), "ok") == 0);
    CHECK(strcmp(hp_status_name(HP_EXHAUSTED), "exhausted") == 0);
    CHECK(strcmp(hp_status_name(HP_LOCK_TIMEOUT), "lock-timeout") == 0);
    CHECK(strcmp(hp_status_name((hp_status)99), "unknown") == 0);
    CHECK(hp_status_exit_code(HP_OK) == 0);
    CHECK(hp_status_exit_code(HP_INVALID_ARGUMENT) == 2);
    CHECK(hp_status_exit_code(HP_EXHAUSTED) == 1);
    CHECK(hp_status_exit_code(HP_UNTRUSTED) == 3);
    CHECK(hp_status_exit_code((hp_status)-4) == 3);
    CHECK(strcmp(hp_hint_name(HP_HINT_PIN_PORT), "pin-port") == 0);
    CHECK(strcmp(hp_hint_name((hp_hint)77), "unknown") == 0);
    CHECK(strstr(hp_export_formats(), "nftables") == hp_export_formats());
    CHECK(strstr(hp_export_formats(), " json") != NULL);
    /* A NULL error reads as nothing, and freeing NULL is allowed. */
    CHECK(strcmp(hp_error_message(NULL), "") == 0);
    CHECK(hp_error_hint(NULL) == HP_HINT_NONE);
    CHECK(strcmp(hp_error_hint_subject(NULL), "") == 0);
    hp_error_free(NULL);
    hp_allocations_free(NULL);
    hp_findings_free(NULL);
    hp_string_free(NULL);
    hp_allocator_free(NULL);
    hp_registry_free(NULL);
}

static void test_allocator(void) {
    hp_allocator* ports = NULL;
    CHECK(hp_allocator_new(25000, 25999, &ports, NULL) == HP_OK);
    hp_port_range rgw = {0, 0};
    CHECK(hp_allocator_allocate(ports, "ceph-rgw", HP_NUL_TERMINATED, NULL, &rgw, NULL) == HP_OK);
    CHECK(rgw.first == rgw.last && rgw.first >= 25000 && rgw.first <= 25999);
    hp_port_range again = {0, 0};
    CHECK(hp_allocator_allocate(ports, "ceph-rgw", 8, NULL, &again, NULL) == HP_OK);
    CHECK(again.first == rgw.first); /* idempotent */

    hp_allocate_options options;
    hp_allocate_options_init(&options);
    options.protocols = HP_TCP_UDP;
    options.count = 10;
    options.owner = "platform team";
    options.owner_size = HP_NUL_TERMINATED;
    options.notes = "scrape targets";
    options.notes_size = 14;
    options.process = "prometheus";
    options.process_size = HP_NUL_TERMINATED;
    hp_port_range block = {0, 0};
    CHECK(hp_allocator_allocate(ports, "metrics-block", HP_NUL_TERMINATED, &options, &block,
                                NULL) == HP_OK);
    CHECK(block.last - block.first == 9);

    hp_allocate_options pinned = HP_ALLOCATE_OPTIONS_INIT;
    pinned.port = 25700;
    pinned.allow_registered = 1;
    hp_port_range pin = {0, 0};
    CHECK(hp_allocator_allocate(ports, "pinned", HP_NUL_TERMINATED, &pinned, &pin, NULL) == HP_OK);
    CHECK(pin.first == 25700);

    CHECK(hp_allocator_add_pool(ports, "edge", HP_NUL_TERMINATED, (hp_port_range){25900, 25909}, 1,
                                NULL) == HP_OK);
    hp_allocate_options in_pool = HP_ALLOCATE_OPTIONS_INIT;
    in_pool.pool = "edge";
    in_pool.pool_size = 4;
    hp_port_range edge = {0, 0};
    CHECK(hp_allocator_allocate(ports, "edge-proxy", HP_NUL_TERMINATED, &in_pool, &edge, NULL) ==
          HP_OK);
    CHECK(edge.first >= 25900 && edge.first <= 25909);

    hp_allocations* found = NULL;
    CHECK(hp_allocator_find(ports, "metrics-block", HP_NUL_TERMINATED, &found, NULL) == HP_OK);
    CHECK(hp_allocations_size(found) == 1);
    const hp_allocation* a = hp_allocations_at(found, 0);
    CHECK(a != NULL && strcmp(a->name, "metrics-block") == 0 && a->protocols == HP_TCP_UDP);
    CHECK(a != NULL && strcmp(a->owner, "platform team") == 0 &&
          strcmp(a->process, "prometheus") == 0);
    CHECK(a != NULL && strcmp(a->notes, "scrape targets") == 0 && strcmp(a->pool, "") == 0);
    CHECK(hp_allocations_at(found, 1) == NULL);
    hp_allocations_free(found);
    CHECK(hp_allocator_find(ports, "nobody", HP_NUL_TERMINATED, &found, NULL) == HP_OK);
    CHECK(hp_allocations_size(found) == 0);
    hp_allocations_free(found);

    hp_allocations* all = NULL;
    CHECK(hp_allocator_list(ports, &all, NULL) == HP_OK);
    CHECK(hp_allocations_size(all) == 4);
    for (size_t i = 1; i < hp_allocations_size(all); ++i) { /* canonical: by first port */
        CHECK(hp_allocations_at(all, i - 1)->ports.first < hp_allocations_at(all, i)->ports.first);
    }
    hp_allocations_free(all);

    CHECK(hp_allocator_release(ports, "pinned", HP_NUL_TERMINATED, -1, NULL) == HP_OK);
    CHECK(hp_allocator_release(ports, "edge-proxy", HP_NUL_TERMINATED, 0, NULL) == HP_OK);
    hp_error* error = NULL;
    expect_error(hp_allocator_release(ports, "pinned", HP_NUL_TERMINATED, -1, &error), error,
                 HP_NOT_FOUND, "pinned");
    error = NULL;
    expect_error(hp_allocator_release(ports, "ceph-rgw", HP_NUL_TERMINATED, 3651, &error), error,
                 HP_INVALID_ARGUMENT, "3651");

    hp_findings* findings = NULL;
    CHECK(hp_allocator_check(ports, 0, &findings, NULL) == HP_OK);
    for (size_t i = 0; i < hp_findings_size(findings); ++i) {
        const hp_finding* f = hp_findings_at(findings, i);
        CHECK(f->code[0] != '\0' && f->message[0] != '\0');
        CHECK(f->severity >= HP_SEVERITY_INFO && f->severity <= HP_SEVERITY_ERROR);
        CHECK(f->service != NULL && f->platform != NULL && f->cluster != NULL);
        CHECK(f->hint_subject != NULL && (f->has_ports == 0 || f->has_ports == 1));
        CHECK(i == 0 || f->severity <= hp_findings_at(findings, i - 1)->severity);
    }
    CHECK(hp_findings_at(findings, hp_findings_size(findings)) == NULL);
    hp_findings_free(findings);
    CHECK(hp_allocator_check(ports, HP_CHECK_HOST, &findings, NULL) == HP_OK);
    hp_findings_free(findings);

    char* text = NULL;
    size_t size = 0;
    CHECK(hp_allocator_export(ports, "json", HP_NUL_TERMINATED, NULL, &text, &size, NULL) == HP_OK);
    CHECK(text != NULL && strlen(text) == size && strstr(text, "\"metrics-block\"") != NULL);
    hp_string_free(text);
    hp_export_options scope = HP_EXPORT_OPTIONS_INIT;
    scope.allocations_only = 1;
    scope.source = "from C";
    scope.source_size = HP_NUL_TERMINATED;
    CHECK(hp_allocator_export(ports, "nftables", 8, &scope, &text, NULL, NULL) == HP_OK);
    CHECK(text != NULL && strstr(text, "from C") != NULL && strstr(text, "metrics-block") != NULL);
    hp_string_free(text);
    hp_allocator_free(ports);
}

static void test_allocator_errors(void) {
    hp_allocator* ports = NULL;
    hp_error* error = NULL;
    expect_error(hp_allocator_new(1, 2, NULL, &error), error, HP_INVALID_ARGUMENT, "NULL");
    CHECK(hp_allocator_new(25000, 25000, &ports, NULL) == HP_OK);
    hp_port_range out = {0, 0};
    hp_allocate_options any_port = HP_ALLOCATE_OPTIONS_INIT;
    any_port.allow_registered = 1;
    CHECK(hp_allocator_allocate(ports, "one", HP_NUL_TERMINATED, &any_port, &out, NULL) == HP_OK);
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "two", HP_NUL_TERMINATED, &any_port, &out, &error),
                 error, HP_EXHAUSTED, "two");
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "Bad_Name", HP_NUL_TERMINATED, NULL, &out, &error),
                 error, HP_INVALID_ARGUMENT, "invalid service name 'Bad_Name'");
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "caf\xc3", 4, NULL, &out, &error), error,
                 HP_INVALID_ARGUMENT, "invalid service name");
    error = NULL;
    expect_error(hp_allocator_allocate(NULL, "x", 1, NULL, &out, &error), error,
                 HP_INVALID_ARGUMENT, "allocator handle is NULL");
    error = NULL;
    expect_error(hp_allocator_allocate(ports, NULL, 3, NULL, &out, &error), error,
                 HP_INVALID_ARGUMENT, "service name is NULL");
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "x", HP_MAX_TEXT_SIZE + 1, NULL, &out, &error), error,
                 HP_INVALID_ARGUMENT, "longer than the limit");
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "x", 1, NULL, NULL, &error), error,
                 HP_INVALID_ARGUMENT, "result pointer is NULL");

    hp_allocate_options options = HP_ALLOCATE_OPTIONS_INIT;
    options.count = 70000;
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "x", 1, &options, &out, &error), error,
                 HP_INVALID_ARGUMENT, "invalid count '70000'");
    options = (hp_allocate_options)HP_ALLOCATE_OPTIONS_INIT;
    options.protocols = 9;
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "x", 1, &options, &out, &error), error,
                 HP_INVALID_ARGUMENT, "invalid protocols 9");
    options = (hp_allocate_options)HP_ALLOCATE_OPTIONS_INIT;
    options.pool = "\xff\xfe";
    options.pool_size = 2;
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "x", 1, &options, &out, &error), error,
                 HP_INVALID_ARGUMENT, "pool name is not valid UTF-8");
    options = (hp_allocate_options)HP_ALLOCATE_OPTIONS_INIT;
    options.notes = "a\0b";
    options.notes_size = 3;
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "x", 1, &options, &out, &error), error,
                 HP_INVALID_ARGUMENT, "NUL");
    options = (hp_allocate_options)HP_ALLOCATE_OPTIONS_INIT;
    options.struct_size = 8;
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "x", 1, &options, &out, &error), error,
                 HP_INVALID_ARGUMENT, "allocate options of 8 bytes");
    options = (hp_allocate_options)HP_ALLOCATE_OPTIONS_INIT;
    options.pool = "nope";
    options.pool_size = HP_NUL_TERMINATED;
    error = NULL;
    expect_error(hp_allocator_allocate(ports, "x", 1, &options, &out, &error), error, HP_NOT_FOUND,
                 "nope");
    /* No error pointer: the status alone. */
    CHECK(hp_allocator_allocate(ports, "two", HP_NUL_TERMINATED, &any_port, &out, NULL) ==
          HP_EXHAUSTED);

    hp_findings* findings = NULL;
    error = NULL;
    expect_error(hp_allocator_check(ports, 0x80, &findings, &error), error, HP_INVALID_ARGUMENT,
                 "unknown check flags");
    char* text = NULL;
    error = NULL;
    expect_error(
        hp_allocator_export(ports, "nftable", HP_NUL_TERMINATED, NULL, &text, NULL, &error), error,
        HP_INVALID_ARGUMENT, "nftable");
    hp_allocations* list = NULL;
    error = NULL;
    expect_error(hp_allocator_list(NULL, &list, &error), error, HP_INVALID_ARGUMENT, "NULL");
    error = NULL;
    expect_error(hp_allocator_find(ports, NULL, 0, &list, &error), error, HP_INVALID_ARGUMENT,
                 "NULL");
    error = NULL;
    expect_error(hp_allocator_add_pool(ports, "wide", 4, (hp_port_range){20000, 30000}, 0, &error),
                 error, HP_INVALID_ARGUMENT, "wide");
    error = NULL; /* first above last: the library's own refusal, not an empty pool */
    expect_error(
        hp_allocator_add_pool(ports, "upside", 6, (hp_port_range){25950, 25940}, 0, &error), error,
        HP_INVALID_ARGUMENT, "pool upside: first port 25950 is above last port 25940");
    hp_allocator_free(ports);
}

/* The first line the CLI writes to stderr for `args` (run in a shell), and its exit status. */
static int run_cli(const char* command, char* line, size_t size) {
    FILE* pipe = popen(command, "r");
    if (pipe == NULL) {
        return -1;
    }
    line[0] = '\0';
    if (fgets(line, (int)size, pipe) != NULL) {
        line[strcspn(line, "\n")] = '\0';
    }
    int status = pclose(pipe);
    return status == -1 ? -1 : (status >> 8) & 0xff;
}

static void test_registry(const char* cli, const char* parent, const char* topology) {
    char folder[4096];
    snprintf(folder, sizeof folder, "%s/capi-XXXXXX", parent);
    CHECK(mkdtemp(folder) != NULL);
    char path[4200], command[9000], line[4096];
    snprintf(path, sizeof path, "%s/harmony.network.ports.toml", folder);

    hp_registry* missing = NULL;
    CHECK(hp_registry_open(path, HP_NUL_TERMINATED, &missing, NULL) == HP_OK);
    hp_port_range out = {0, 0};
    hp_error* error = NULL;
    expect_error(hp_registry_allocate(missing, "ntfy", 4, NULL, &out, &error), error,
                 HP_FILE_NOT_FOUND, path);
    hp_registry_free(missing);

    snprintf(command, sizeof command, "'%s' --registry '%s' init >/dev/null 2>&1", cli, path);
    CHECK(system(command) == 0);
    hp_registry* registry = NULL;
    CHECK(hp_registry_discover(folder, HP_NUL_TERMINATED, &registry, NULL) == HP_OK);
    CHECK(strcmp(hp_registry_label(registry), path) == 0);
    CHECK(hp_registry_set_lock_timeout(registry, 5000, NULL) == HP_OK);
    error = NULL;
    expect_error(hp_registry_set_lock_timeout(registry, 90000000, &error), error,
                 HP_INVALID_ARGUMENT, "lock timeout");

    CHECK(hp_registry_allocate(registry, "ntfy", 4, NULL, &out, NULL) == HP_OK);
    /* Durable: the CLI sees it. */
    snprintf(command, sizeof command, "'%s' --registry '%s' list --json 2>&1", cli, path);
    run_cli(command, line, sizeof line);
    snprintf(command, sizeof command, "'%s' --registry '%s' list --json | grep -c '\"ntfy\"'", cli,
             path);
    CHECK(run_cli(command, line, sizeof line) == 0 && strcmp(line, "1") == 0);

    hp_allocations* list = NULL;
    CHECK(hp_registry_list(registry, &list, NULL) == HP_OK);
    CHECK(hp_allocations_size(list) == 3); /* ceph-rgw and internal-https of ADR-014, ntfy */
    hp_allocations_free(list);
    CHECK(hp_registry_find(registry, "ntfy", HP_NUL_TERMINATED, &list, NULL) == HP_OK);
    CHECK(hp_allocations_size(list) == 1 && hp_allocations_at(list, 0)->ports.first == out.first);
    hp_allocations_free(list);

    hp_findings* findings = NULL;
    CHECK(hp_registry_check(registry, 0, &findings, NULL) == HP_OK);
    hp_findings_free(findings);
    char* text = NULL;
    CHECK(hp_registry_export(registry, "markdown", HP_NUL_TERMINATED, NULL, &text, NULL, NULL) ==
          HP_OK);
    CHECK(text != NULL && strstr(text, "ntfy") != NULL);
    hp_string_free(text);
    hp_export_options fleet = HP_EXPORT_OPTIONS_INIT;
    fleet.topology = topology;
    fleet.topology_size = HP_NUL_TERMINATED;
    CHECK(hp_registry_export(registry, "rust", 4, &fleet, &text, NULL, NULL) == HP_OK);
    CHECK(text != NULL && strstr(text, "pub mod clusters") != NULL);
    hp_string_free(text);
    error = NULL;
    expect_error(hp_registry_export(registry, "json", 4, &fleet, &text, NULL, &error), error,
                 HP_INVALID_ARGUMENT, "a topology applies to the cpp and rust exports only");
    fleet.topology = "/nonexistent/topology.toml";
    error = NULL;
    expect_error(hp_registry_export(registry, "cpp", 3, &fleet, &text, NULL, &error), error,
                 HP_FILE_NOT_FOUND, "/nonexistent/topology.toml");

    /* The CLI's message, code and exit status for the same failure. */
    error = NULL;
    hp_status status = hp_registry_allocate(registry, "Bad_Name", 8, NULL, &out, &error);
    snprintf(command, sizeof command, "'%s' --registry '%s' allocate Bad_Name 2>&1", cli, path);
    int exit_status = run_cli(command, line, sizeof line);
    char expected[4200];
    snprintf(expected, sizeof expected, "harmony-ports: error: %s", hp_error_message(error));
    CHECK(strcmp(line, expected) == 0);
    CHECK(exit_status == hp_status_exit_code(status) && exit_status == 2);
    hp_error_free(error);

    CHECK(hp_registry_release(registry, "ntfy", 4, -1, NULL) == HP_OK);
    error = NULL;
    expect_error(hp_registry_release(registry, "ntfy", 4, -1, &error), error, HP_NOT_FOUND, "ntfy");
    hp_registry_free(registry);

    /* A broken registry: the parse error names file:line:col. */
    FILE* file = fopen(path, "w");
    CHECK(file != NULL);
    if (file != NULL) {
        fputs("schema_version = 1\n[[allocation]\n", file);
        fclose(file);
    }
    CHECK(hp_registry_open(path, HP_NUL_TERMINATED, &registry, NULL) == HP_OK);
    error = NULL;
    expect_error(hp_registry_list(registry, &list, &error), error, HP_PARSE_ERROR, ":2:");
    hp_registry_free(registry);
    error = NULL;
    expect_error(hp_registry_open("", 0, &registry, &error), error, HP_INVALID_ARGUMENT, "empty");
    error = NULL;
    expect_error(hp_registry_open("a\0b", 3, &registry, &error), error, HP_INVALID_ARGUMENT, "NUL");
    error = NULL;
    expect_error(hp_registry_discover(folder, HP_NUL_TERMINATED, NULL, &error), error,
                 HP_INVALID_ARGUMENT, "NULL");
    error = NULL;
    expect_error(hp_registry_check(NULL, 0, &findings, &error), error, HP_INVALID_ARGUMENT, "NULL");
    error = NULL;
    expect_error(hp_registry_export(NULL, "json", 4, NULL, &text, NULL, &error), error,
                 HP_INVALID_ARGUMENT, "NULL");
    error = NULL;
    expect_error(hp_registry_find(NULL, "x", 1, &list, &error), error, HP_INVALID_ARGUMENT, "NULL");
    error = NULL;
    expect_error(hp_registry_set_lock_timeout(NULL, 1, &error), error, HP_INVALID_ARGUMENT, "NULL");
    CHECK(strcmp(hp_registry_label(NULL), "") == 0);

    snprintf(command, sizeof command, "rm -rf '%s'", folder);
    CHECK(system(command) == 0);
}

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: capi_test HARMONY_PORTS_CLI SCRATCH_PARENT TOPOLOGY\n");
        return 2;
    }
    test_names_and_version();
    test_allocator();
    test_allocator_errors();
    test_registry(argv[1], argv[2], argv[3]);
    if (g_failures != 0) {
        fprintf(stderr, "capi_test: %d check(s) failed\n", g_failures);
        return 1;
    }
    printf("capi_test: all checks passed\n");
    return 0;
}
