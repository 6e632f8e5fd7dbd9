/* The floor for one CLI allocate: the least a correct tool must do to store a registry
 * durably. Reads SOURCE (the bytes harmony-ports would write, prepared untimed), then writes
 * them to a temporary file beside TARGET, fsyncs it, renames it over TARGET and fsyncs the
 * folder. Built static (scripts/bench_cli.sh) so start-up is as cheap as a process gets.
 * Usage: floor_write SOURCE TARGET */
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buffer[1 << 22];

static int fail(const char* what) {
    perror(what);
    return 1;
}

int main(int argc, char** argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: floor_write SOURCE TARGET\n");
        return 2;
    }
    int in = open(argv[1], O_RDONLY);
    if (in < 0)
        return fail("open source");
    ssize_t size = read(in, buffer, sizeof buffer);
    if (size < 0)
        return fail("read source");
    close(in);
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", argv[2]);
    int out = mkstemp(tmp);
    if (out < 0)
        return fail("mkstemp");
    if (write(out, buffer, (size_t)size) != size)
        return fail("write");
    if (fsync(out) != 0)
        return fail("fsync");
    if (close(out) != 0)
        return fail("close");
    if (rename(tmp, argv[2]) != 0)
        return fail("rename");
    char folder[4096];
    snprintf(folder, sizeof folder, "%s", argv[2]);
    int dir = open(dirname(folder), O_RDONLY | O_DIRECTORY);
    if (dir < 0 || fsync(dir) != 0)
        return fail("fsync folder");
    close(dir);
    return 0;
}
