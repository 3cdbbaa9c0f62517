/* conf_malloc returns usable blocks of the private heap: every block (from 1 byte to 4 MiB)
 * lies entirely inside the private region 0x100000000000..0x101000000000, blocks that are
 * live at the same time do not overlap (each keeps its own contents), and the private heap is
 * separate from libc's (malloc's blocks are outside the region). */
// expect-stdout: malloc ok
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

#define N 64

int main(void) {
    static const size_t sizes[] = {1, 7, 16, 100, 4096, 65536, 1 << 20, 4 << 20};
    private unsigned char *blocks[N];
    size_t len[N];
    for (int i = 0; i < N; i++) {
        len[i] = sizes[i % 8];
        blocks[i] = conf_malloc(len[i]);
        CHECK(blocks[i] != NULL);
        CHECK(IS_PRIVATE(blocks[i]) && IS_PRIVATE(blocks[i] + len[i] - 1));
        memset(blocks[i], i + 1, len[i]);
    }
    /* Every block still holds its own byte: no two live blocks overlap. */
    for (int i = 0; i < N; i++) {
        CHECK(conf_declassify_int(blocks[i][0]) == i + 1);
        CHECK(conf_declassify_int(blocks[i][len[i] - 1]) == i + 1);
        CHECK(conf_declassify_int(blocks[i][len[i] / 2]) == i + 1);
    }
    char *public_block = malloc(100);
    CHECK(public_block != NULL && !IS_PRIVATE(public_block));
    free(public_block);
    for (int i = 0; i < N; i++) conf_free(blocks[i]);
    puts("malloc ok");
    return 0;
}
