/* CONF_PRIVATE_BUFFER declares a zeroed private buffer that lives until the end of its block:
 * it lies in the private region, is usable, starts zeroed, and is freed whenever the block is
 * left: at the end of each loop iteration, by `continue`, by `break`, and by `return` from a
 * function. With a 64 MiB private heap (CONFPASS_HEAP_SIZE), each of these ways is taken 1024
 * times with a 1 MiB buffer (1 GiB in all), and the heap must never run out. */
// run-env: CONFPASS_HEAP_SIZE=64M
// expect-stdout: checksum 1024
// expect-stdout: buffer ok
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

#define MIB (1 << 20)

/* Declares a buffer and leaves the function through one of two returns. */
static int in_function(int i) {
    CONF_PRIVATE_BUFFER(unsigned char, buf, MIB);
    CHECK(buf != NULL && IS_PRIVATE(buf));
    buf[i % MIB] = 1;
    if (i % 2) return conf_declassify_int(buf[i % MIB]);
    return 1;
}

int main(void) {
    long checksum = 0;
    for (int i = 0; i < 1024; i++) {
        CONF_PRIVATE_BUFFER(unsigned char, buf, MIB);
        if (buf == NULL) {
            fprintf(stderr, "private heap exhausted at iteration %d\n", i);
            return 1;
        }
        CHECK(IS_PRIVATE(buf) && IS_PRIVATE(buf + MIB - 1));
        /* Zeroed, although an earlier iteration's buffer (likely the same memory) was dirty. */
        CHECK(conf_declassify_int(buf[0] | buf[i] | buf[MIB - 1]) == 0);
        if (i % 2) { /* leave the block through `continue` */
            checksum++;
            continue;
        }
        memset(buf, 0x5a, MIB);
        checksum += conf_declassify_int(buf[i] == 0x5a);
    }
    printf("checksum %ld\n", checksum);
    for (int round = 0; round < 1024; round++) {
        for (;;) {
            CONF_PRIVATE_BUFFER(unsigned char, buf, MIB);
            CHECK(buf != NULL);
            buf[7] = 7;
            break;
        }
    }
    for (int i = 0; i < 1024; i++) CHECK(in_function(i) == 1);
    /* Nested blocks, each with its own buffer of 16 MiB. */
    for (int i = 0; i < 64; i++) {
        CONF_PRIVATE_BUFFER(int, outer, 4 * MIB);
        CHECK(outer != NULL);
        {
            CONF_PRIVATE_BUFFER(int, inner, 4 * MIB);
            CHECK(inner != NULL && inner != outer);
            inner[0] = outer[0] + 1;
        }
    }
    puts("buffer ok");
    return 0;
}
