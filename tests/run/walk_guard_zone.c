/* The loop-walk guard (pass/src/instrument/walk.rs) compares a loop's pointer once, where the
 * loop is entered, and relies on the guard zones for the rest: a walk that steps off public
 * memory towards the protected block faults in the guard zone below it before it can read the
 * private region. This program puts a public buffer right below the block (the worst layout an
 * allocator could produce) and scans it with a bound that is too large by 256 KiB: the scan
 * must stop in the guard zone with a report, and print nothing it read past the buffer. */
// run-args: 4096
// expect-exit: 86
// expect-stdout: in bounds: 4096 bytes, sum 4096
// expect-stderr-contains: confpass: violation: access to a guard zone
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

private char secret[32] = "walk-secret-7f3a";

/* Sums bytes [0, n) of p: one compare at the entry (p), none per iteration. */
__attribute__((noinline)) static long scan(const unsigned char *p, long n) {
    long s = 0;
    for (long i = 0; i < n; i++) s += p[i];
    return s;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    long n = strtol(argv[1], NULL, 10);
    const uintptr_t block = 0x100000000000UL, guard = 64 << 10, size = 1 << 20;
    unsigned char *buf = mmap((void *)(block - guard - size), size, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (buf == MAP_FAILED) { perror("mmap"); return 3; }
    for (uintptr_t i = 0; i < size; i++) buf[i] = 1;
    printf("in bounds: %ld bytes, sum %ld\n", n, scan(buf + size - n, n));
    fflush(stdout);
    /* Past the end by 256 KiB: through the guard zones into the private globals. */
    long s = scan(buf + size - n, n + (256 << 10));
    printf("past the end: sum %ld\n", s);
    return 0;
}
