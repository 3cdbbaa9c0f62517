/* A corrupted `va_list *`: the logger keeps a pointer to the caller's `va_list` after its
 * 16-byte name and copies the list with `va_copy` into a public struct, whose bytes it later
 * sends. An overflow of the name aims the pointer at the license key (a private global):
 * `va_copy` copies 24 of the key's bytes into public memory, and the plain build prints them.
 * `va_copy` reads and writes memory like any copy and is guarded like one. argv: a name, the
 * overflow's length. */
// attack-secret: S3CR3T-vacopy-99ab
// run-args: bob 24
// expect-exit: 86
// expect-stdout: hello bob
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char license_key[32] = "S3CR3T-vacopy-99ab";

struct logger {
    char name[16];
    va_list *src;
    va_list saved;
};

static void set_name(struct logger *l, const char *data, size_t len) {
    memcpy(l->name, data, len); /* BUG: LEN is not checked against sizeof l->name */
}

__attribute__((noinline)) void keep(struct logger *l) { va_copy(l->saved, *l->src); }

__attribute__((noinline)) void run(struct logger *l, size_t len, int n, ...) {
    va_list ap;
    va_start(ap, n);
    l->src = &ap;
    /* The attacker: 16 bytes of name, then the key's address over the pointer. */
    unsigned char payload[24];
    uint64_t target = (uint64_t)(uintptr_t)license_key;
    memset(payload, 'A', 16);
    memcpy(payload + 16, &target, 8);
    set_name(l, (const char *)payload, len);
    keep(l);
    va_end(ap);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    static struct logger l;
    set_name(&l, argv[1], strlen(argv[1]) + 1);
    printf("hello %s\n", l.name);
    fflush(stdout);
    size_t len = strtoul(argv[2], NULL, 10);
    if (len != 24) return 2;
    run(&l, len, 1, 5L);
    fwrite(&l.saved, 1, sizeof l.saved, stdout);
    putchar('\n');
    return 0;
}
