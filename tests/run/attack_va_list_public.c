/* A va_list kept in a public struct: the logger saves its arguments with `va_copy` and prints
 * them later through a function that takes the `va_list`. Its 16-byte name is filled by a
 * copy of a client-supplied length, which overflows into the saved `va_list`: the attacker
 * sets `gp_offset` to 0 and `reg_save_area` to the license key (a private global), so the
 * next two `va_arg`s read the key's first 16 bytes. The plain build prints them. confpass
 * reads a `va_list` without guards only on a native stack, where no public store reaches; the
 * function taking it checks that first thing and stops the program. argv: a name, the
 * overflow's length. */
// attack-secret: S3CR3T-valist-42
// run-args: bob 40
// expect-exit: 86
// expect-stdout: hello bob
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char license_key[32] = "S3CR3T-valist-42";

struct logger {
    char name[16];
    va_list ap;
};

static void set_name(struct logger *l, const char *data, size_t len) {
    memcpy(l->name, data, len); /* BUG: LEN is not checked against sizeof l->name */
}

__attribute__((noinline)) void first_two(va_list ap, long out[2]) {
    out[0] = va_arg(ap, long);
    out[1] = va_arg(ap, long);
}

__attribute__((noinline)) void save(struct logger *l, int n, ...) {
    va_list ap;
    va_start(ap, n);
    va_copy(l->ap, ap);
    va_end(ap);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    struct logger *l = malloc(sizeof *l);
    if (!l) return 2;
    set_name(l, argv[1], strlen(argv[1]) + 1);
    save(l, 2, 1L, 2L);
    printf("hello %s\n", l->name);
    fflush(stdout);

    /* The attacker: 16 bytes of name, then a va_list (gp_offset, fp_offset, overflow_arg_area,
       reg_save_area) aimed at the key. */
    size_t len = strtoul(argv[2], NULL, 10);
    if (len != 16 + 24) return 2;
    unsigned char payload[16 + 24];
    uint32_t gp = 0, fp = 48;
    uint64_t overflow = 0, save_area = (uint64_t)(uintptr_t)license_key;
    memset(payload, 'A', 16);
    memcpy(payload + 16, &gp, 4);
    memcpy(payload + 20, &fp, 4);
    memcpy(payload + 24, &overflow, 8);
    memcpy(payload + 32, &save_area, 8);
    set_name(l, (const char *)payload, len);

    long out[2] = {0, 0};
    first_two(l->ap, out);
    fwrite(out, 1, sizeof out, stdout);
    putchar('\n');
    return 0;
}
