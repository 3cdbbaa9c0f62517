/* conf_realloc keeps a block's contents while it grows (16 bytes up to 16 MiB, which moves the
 * block) and shrinks, the result stays in the private region, and conf_realloc(NULL, n)
 * allocates like conf_malloc. */
// expect-stdout: realloc ok
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

/* Whether p[0..n) holds the pattern written below (declassified as a yes/no). */
static int holds_pattern(const private unsigned char *p, size_t n) {
    int bad = 0;
    for (size_t i = 0; i < n; i++) bad |= p[i] != (unsigned char)(i * 31 + 7);
    return !conf_declassify_int(bad);
}

int main(void) {
    size_t n = 16;
    private unsigned char *p = conf_realloc(NULL, n);
    CHECK(p != NULL && IS_PRIVATE(p));
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(i * 31 + 7);
    int moved = 0;
    while (n < (16u << 20)) {
        private unsigned char *old = p;
        size_t grown = n * 4;
        p = conf_realloc(p, grown);
        CHECK(p != NULL);
        CHECK(IS_PRIVATE(p) && IS_PRIVATE(p + grown - 1));
        moved += p != old;
        CHECK(holds_pattern(p, n));
        for (size_t i = n; i < grown; i++) p[i] = (unsigned char)(i * 31 + 7);
        n = grown;
    }
    CHECK(moved > 0);
    CHECK(holds_pattern(p, n));
    p = conf_realloc(p, 1000);
    CHECK(p != NULL && IS_PRIVATE(p));
    CHECK(holds_pattern(p, 1000));
    conf_free(p);
    puts("realloc ok");
    return 0;
}
