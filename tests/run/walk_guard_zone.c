/* The loop-walk guard (pass/src/instrument/walk.rs) compares a loop's pointer once, where the
 * loop is entered, and relies on unmapped memory for the rest: a walk that steps off public
 * memory faults before it can reach the protected block. Public memory starts at 2^46 (the
 * runtime checks it, runtime/layout); below it the runtime keeps 4 GiB reserved, and below
 * that nothing is mapped down to the block. This program puts a public buffer at the lowest
 * public address (the worst layout an allocator could produce) and scans it backwards with a
 * bound that is too large by 256 KiB: the scan must stop in the reserved area with a report,
 * and print nothing it read past the buffer. */
// run-args: 4096
// expect-exit: 86
// expect-stdout: in bounds: 4096 bytes, sum 4096
// expect-stderr-contains: confpass: violation: public-access below public memory
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

private char secret[32] = "walk-secret-7f3a";

/* Sums bytes p[0], p[-1], ..., p[-(n-1)]: one compare at the entry (p), none per iteration. */
__attribute__((noinline)) static long scan_down(const unsigned char *p, long n) {
    long s = 0;
    for (long i = 0; i < n; i++) s += p[-i];
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
    printf("in bounds: %ld bytes, sum %ld\n", n, scan_down(buf + n - 1, n));
    fflush(stdout);
    /* Past the start by 256 KiB: into the reserved area below public memory. */
    long s = scan_down(buf + n - 1, n + (256 << 10));
    printf("past the start: sum %ld\n", s);
    return 0;
}
