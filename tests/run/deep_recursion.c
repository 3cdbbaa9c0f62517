/* Recursion deep enough for real programs works with the default stack size: 100000 nested
 * calls (each a real frame: the frames are at least 16 bytes apart, all inside the private
 * region) computing on private data, and the result is the same as a loop's. */
// expect-stdout: depth 100000: hash matches
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

#define DEPTH 100000

static uintptr_t deepest;

/* Not a tail call, and not an accumulation LLVM could turn into a loop. */
__attribute__((noinline)) static unsigned long hash(const private unsigned char *v, int n) {
    if (n == 0) {
        deepest = (uintptr_t)__builtin_frame_address(0);
        return 7;
    }
    unsigned long h = hash(v, n - 1);
    return h * 31 + v[n % 1000];
}

int main(void) {
    private unsigned char *v = conf_malloc(1000);
    CHECK(v != NULL);
    for (int i = 0; i < 1000; i++) v[i] = (unsigned char)(i * 17);
    uintptr_t top = (uintptr_t)__builtin_frame_address(0);
    unsigned long h = conf_declassify_ulong(hash(v, DEPTH));
    unsigned long expected = 7;
    for (int n = 1; n <= DEPTH; n++) expected = expected * 31 + (unsigned char)((n % 1000) * 17);
    CHECK(IS_PRIVATE(top) && IS_PRIVATE(deepest));
    CHECK(top - deepest >= (uintptr_t)DEPTH * 16);
    printf("depth %d: hash %s\n", DEPTH, h == expected ? "matches" : "differs");
    conf_free(v);
    return 0;
}
