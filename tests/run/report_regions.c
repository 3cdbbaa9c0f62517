/* CONFPASS_REPORT=regions makes the runtime print, at start-up on stderr, one line per region:
 * the private region 0x100000000000..0x101000000000 (2^36 bytes) and the runtime region right
 * above it; the program's private heap block and its stack frame lie inside the private one. */
// run-env: CONFPASS_REPORT=regions
// expect-stderr-contains: confpass: region private 0x0000100000000000-0x0000101000000000
// expect-stderr-contains: confpass: region runtime 0x0000101000000000-0x0000102000000000
// expect-stdout: heap block and frame in the private region
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

int main(void) {
    private char *p = conf_malloc(16);
    CHECK(p != NULL && IS_PRIVATE(p));
    CHECK(IS_PRIVATE(__builtin_frame_address(0)));
    puts("heap block and frame in the private region");
    conf_free(p);
    return 0;
}
