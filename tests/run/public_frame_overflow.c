/* A public local whose address escapes lives in the public mirror of its native stack slot
 * (runtime/layout, PUBLIC_MIRROR). A read that runs off the end of that mirror faults in the
 * unmapped room the runtime keeps around each stack's mirror, and the runtime reports it as a
 * violation instead of a bare segmentation fault. Here main's buffer is read upwards with a
 * length far beyond it (a missing bounds check): the read passes the rest of main's frame
 * and the top of the stack's mirror, then stops with the report; the sum is never printed. */
// run-args: 16777216
// expect-exit: 86
// expect-stdout: start
// expect-stderr-contains: confpass: violation: public-access off a public frame
#include <stdio.h>
#include <stdlib.h>

/* Sums p[0], ..., p[n-1]. */
__attribute__((noinline)) static long scan_up(const unsigned char *p, long n) {
    long s = 0;
    for (long i = 0; i < n; i++) s += p[i];
    return s;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    unsigned char buf[64] = {1};
    puts("start");
    fflush(stdout);
    printf("sum %ld\n", scan_up(buf, strtol(argv[1], NULL, 10)));
    return 0;
}
