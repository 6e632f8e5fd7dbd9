/* An installed C ABI consumer: the shared library through pkg-config harmony-ports-c. */
#include <stdio.h>

#include <harmony_ports.h>

int main(void) {
    hp_allocator* ports = NULL;
    hp_port_range rgw;
    if (hp_allocator_new(25000, 25999, &ports, NULL) != HP_OK) {
        return 1;
    }
    hp_status status =
        hp_allocator_allocate(ports, "ceph-rgw", HP_NUL_TERMINATED, NULL, &rgw, NULL);
    hp_allocator_free(ports);
    if (status != HP_OK) {
        return 1;
    }
    printf("ceph-rgw -> %u\n", (unsigned)rgw.first);
    return 0;
}
