/* conf_calloc returns zeroed private memory, also when it reuses blocks that were written and
 * freed before (small and large sizes), and fails (null) on an overflowing n * size. */
// expect-stdout: calloc ok
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

/* The number of nonzero bytes in [p, p + n): private data, declassified as a count. */
static long nonzero(const private unsigned char *p, size_t n) {
    long count = 0;
    for (size_t i = 0; i < n; i++) count += p[i] != 0;
    return conf_declassify_long(count);
}

int main(void) {
    static const size_t counts[] = {1, 3, 100, 1000, 100000, 1 << 22};
    for (int round = 0; round < 4; round++) {
        for (int k = 0; k < 6; k++) {
            /* Dirty blocks of the same size first, so that calloc is likely to reuse them. */
            private unsigned char *dirty = conf_malloc(counts[k] * sizeof(int));
            CHECK(dirty != NULL);
            memset(dirty, 0xa5, counts[k] * sizeof(int));
            conf_free(dirty);
            private int *z = conf_calloc(counts[k], sizeof(int));
            CHECK(z != NULL);
            CHECK(IS_PRIVATE(z) && IS_PRIVATE(z + counts[k] - 1));
            CHECK(nonzero((private unsigned char *)z, counts[k] * sizeof(int)) == 0);
            for (size_t i = 0; i < counts[k]; i++) z[i] = -1;
            conf_free(z);
        }
    }
    CHECK(conf_calloc(SIZE_MAX / 2, 4) == NULL);
    puts("calloc ok");
    return 0;
}
