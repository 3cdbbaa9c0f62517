/* A library call that jumps about an array: qsort sorts `count` elements of `size` bytes
 * wherever they lie, so a check of the first byte does not cover it (a sort or a binary
 * search can step over a guard zone). The table's count sits after a 16-byte name that an
 * overflow rewrites: a count so large that the array wraps around the address space, across
 * the protected block. confpass checks `count * size` bytes (saturated where the product would
 * wrap) before the call and stops the program; a first sort of the real table works. */
// expect-exit: 86
// expect-stdout: 1 2 3 5 8
// expect-stderr-contains: confpass: violation:
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct table {
    char name[16];
    size_t count;
    int items[5];
};

static void set_name(struct table *t, const char *data, size_t len) {
    memcpy(t->name, data, len); /* BUG: LEN is not checked against sizeof t->name */
}

static int cmp(const void *a, const void *b) {
    return *(const int *)a - *(const int *)b;
}

int main(void) {
    static struct table t = {"scores", 5, {8, 3, 5, 1, 2}};
    qsort(t.items, t.count, sizeof t.items[0], cmp);
    for (size_t i = 0; i < t.count; i++) printf(i ? " %d" : "%d", t.items[i]);
    printf("\n");
    fflush(stdout);
    unsigned char payload[24];
    uint64_t count = UINT64_MAX / 4;
    memset(payload, 'A', 16);
    memcpy(payload + 16, &count, 8);
    set_name(&t, (const char *)payload, sizeof payload);
    qsort(t.items, t.count, sizeof t.items[0], cmp);
    printf("sorted again\n");
    return 0;
}
