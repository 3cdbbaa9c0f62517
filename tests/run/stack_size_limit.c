/* CONFPASS_STACK_SIZE is honoured in the other direction too: with 8M, the first recursion of
 * stack_size_env.c (more than 64 MiB of frames) overflows main's private native stack into
 * the guard page below it, and the program dies of SIGSEGV (status 128 + 11) before printing
 * anything. */
// run-env: CONFPASS_STACK_SIZE=8M
// expect-exit: 139
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

#define DEPTH 2200000
#define BIG_FRAMES 24576

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

__attribute__((noinline)) static long big_frames(int n) {
    volatile char pad[4096];
    pad[n % 4096] = (char)n;
    if (n == 0) return 0;
    return big_frames(n - 1) + pad[n % 4096];
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
    CHECK(top - deepest > (64UL << 20));
    printf("%d native frames: hash %s\n", DEPTH, h == expected ? "matches" : "differs");
    long r = big_frames(BIG_FRAMES);
    printf("%d frames with 4 KiB arrays: %s\n", BIG_FRAMES, r != 0 ? "ok" : "wrong result");
    conf_free(v);
    return 0;
}
