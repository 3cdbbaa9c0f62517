/* conf_free gives memory back: with a 64 MiB private heap (CONFPASS_HEAP_SIZE), 4096 rounds of
 * allocating and freeing 1 MiB (4 GiB in all) never run out, and a freed block's memory is
 * handed out again. conf_free(NULL) does nothing. */
// run-env: CONFPASS_HEAP_SIZE=64M
// expect-stdout: free ok
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

int main(void) {
    conf_free(NULL);
    for (int i = 0; i < 4096; i++) {
        private char *p = conf_malloc(1 << 20);
        if (p == NULL) {
            fprintf(stderr, "private heap exhausted after %d MiB\n", i);
            return 1;
        }
        CHECK(IS_PRIVATE(p));
        p[0] = (char)i;
        p[(1 << 20) - 1] = (char)i;
        conf_free(p);
    }
    /* Without freeing, the same heap runs out well before 4 GiB: the limit is real. */
    private char *kept[128];
    int got = 0;
    while (got < 128 && (kept[got] = conf_malloc(1 << 20)) != NULL) got++;
    CHECK(got < 128);
    for (int i = 0; i < got; i++) conf_free(kept[i]);
    private char *again = conf_malloc(1 << 20);
    CHECK(again != NULL);
    conf_free(again);
    puts("free ok");
    return 0;
}
