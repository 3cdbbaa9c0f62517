/* A cursor that grows through a choice: `scan` walks a record table from the session's
 * cursor, each step the record length the request gives (at most 2047 words), a
 * reset record (never, here) taking it back to the table's start, and returns the two words it
 * ends on. The cursor sits after a 16-byte name in a public struct that `set_name` overflows,
 * so the attacker picks where the walk starts: 2^37 bytes below the license key (a private
 * global), outside the protected block, and a step count that ends the walk on the key. The
 * plain build prints the key. confcc must check the cursor where the key is read: a compare of
 * the walk's start (and of the reset) alone does not cover it, because the cursor is the
 * previous one moved by a step on every iteration, through the choice `c ? reset : cursor`.
 * argv: a name, the overflow's length, the step in words, the iteration of the reset. */
// attack-secret: S3CR3T-walk-5e1d
// run-args: bob 24 2047 -1
// expect-exit: 86
// expect-stdout: hello bob
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char license_key[32] = "S3CR3T-walk-5e1d";

static long table[64];

struct session {
    char name[16];
    long *cursor;
};

static void set_name(struct session *s, const char *data, size_t len) {
    memcpy(s->name, data, len); /* BUG: LEN is not checked against sizeof s->name */
}

__attribute__((noinline)) void scan(long *p, long *reset, unsigned step, long resets, long n, long out[2]) {
#pragma clang loop unroll(disable)
    for (long i = 0; i < n; i++) {
        if (i == n - 1) {
            out[0] = p[0];
            out[1] = p[1];
        }
        long *q = i == resets ? reset : p;
        p = q + (step & 2047);
    }
}

int main(int argc, char **argv) {
    if (argc < 5) return 2;
    struct session s = {"", table + 63};
    set_name(&s, argv[1], strlen(argv[1]) + 1);
    printf("hello %s\n", s.name);
    fflush(stdout);

    /* The attacker: a name whose last 8 bytes are a cursor 2^37 bytes (rounded to whole steps)
       below the key, and as many steps as bring it up onto the key. */
    size_t len = strtoul(argv[2], NULL, 10);
    unsigned step = (unsigned)strtoul(argv[3], NULL, 10) & 2047;
    if (len < 8 || len > 64 || step == 0) return 2;
    long n = (long)((1ul << 37) / (step * 8ul)) + 1;
    unsigned long start = (unsigned long)(uintptr_t)license_key - (unsigned long)(n - 1) * step * 8;
    char payload[64];
    memset(payload, 'A', len);
    memcpy(payload + len - 8, &start, 8);
    set_name(&s, payload, len);

    long out[2] = {0, 0};
    scan(s.cursor, table, step, strtol(argv[4], NULL, 10), n, out);
    fwrite(out, 1, sizeof out, stdout);
    putchar('\n');
    return 0;
}
