/* CONFPASS_STACK_SIZE sets the size of main's stacks: with 256M, two recursions that each need
 * more stack than any default (8 MiB, or the soft RLIMIT_STACK, 64 MiB when unlimited) run to
 * the end: 2.2 million calls computing on private data, whose frames (more than 64 MiB of
 * them) lie on the private native stack, and 24576 calls that each hold a 4 KiB array indexed
 * by a variable (96 MiB, which confpass places in the native stack's public mirror). stack_size_limit.c shows
 * the same program failing when the size is small. */
// run-env: CONFPASS_STACK_SIZE=256M
// expect-stdout: 2200000 native frames: hash matches
// expect-stdout: 24576 frames with 4 KiB arrays: ok
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
