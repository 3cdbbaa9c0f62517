/* A library call that acts on a whole range: the cache drops its pages with
 * madvise(MADV_DONTNEED), and an overflow of its 16-byte name rewrites the descriptor to a
 * range that starts in the guard zone below the protected block and covers the private
 * globals. Linux would apply MADV_DONTNEED to every mapping in the range, zeroing the private
 * key (an attacker who knows it is zero knows it), so a check of the first byte does not do:
 * confpass checks the whole range and stops the program. */
// expect-exit: 86
// expect-stdout: dropped: 0
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

private char license_key[32] = "S3CR3T-madvise-7";

struct cache {
    char name[16];
    void *pages;
    size_t len;
};

static void set_name(struct cache *c, const char *data, size_t len) {
    memcpy(c->name, data, len); /* BUG: LEN is not checked against sizeof c->name */
}

static char pool[1 << 16] __attribute__((aligned(4096)));

int main(void) {
    static struct cache c = {"img", pool, sizeof pool};
    printf("dropped: %d\n", madvise(c.pages, c.len, MADV_DONTNEED));
    fflush(stdout);
    unsigned char payload[32];
    uint64_t start = 0x100000000000ull - 0x10000, len = 0x10000 + (1u << 30);
    memset(payload, 'A', 16);
    memcpy(payload + 16, &start, 8);
    memcpy(payload + 24, &len, 8);
    set_name(&c, (const char *)payload, sizeof payload);
    printf("dropped: %d\n", madvise(c.pages, c.len, MADV_DONTNEED));
    return conf_declassify_int(license_key[0] == 'S') ? 0 : 1;
}
