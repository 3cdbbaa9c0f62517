/* The loop-walk guard for an index built from the loop's counter by constants: `p[2*i]` and
 * `p[2*i + 1]` (a shift and a disjoint `or`, see pass/src/instrument/walk.rs) step 2 bytes
 * per iteration, so one compare where the loop is entered covers them, and the unmapped
 * memory below public memory does the rest (as in walk_guard_zone.c). The buffer sits at the
 * lowest public address; the second scan's bound is too large by 256 KiB: it must stop in the
 * reserved area with a report, and print nothing it read past the buffer. */
// run-args: 2048
// expect-exit: 86
// expect-stdout: in bounds: 2048 pairs, sum 4096
// expect-stderr-contains: confpass: violation: public-access below public memory
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

private char secret[32] = "strided-secret-91c2";

/* Sums the pairs p[2*i], p[2*i + 1] for i = 0, -1, ..., -(n-1). */
__attribute__((noinline)) static long scan_pairs_down(const unsigned char *p, long n) {
    long s = 0;
    for (long i = 0; i > -n; i--) s += p[2 * i] + p[2 * i + 1];
    return s;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    long n = strtol(argv[1], NULL, 10);
    const uintptr_t lowest_public = (1UL << 46) + (1UL << 32), size = 1 << 20;
    unsigned char *buf = mmap((void *)lowest_public, size, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (buf == MAP_FAILED) { perror("mmap"); return 3; }
    for (uintptr_t i = 0; i < size; i++) buf[i] = 1;
    const unsigned char *last = buf + 2 * n - 2;
    printf("in bounds: %ld pairs, sum %ld\n", n, scan_pairs_down(last, n));
    fflush(stdout);
    /* Past the start by 256 KiB: into the reserved area below public memory. */
    long s = scan_pairs_down(last, n + (128 << 10));
    printf("past the start: sum %ld\n", s);
    return 0;
}
