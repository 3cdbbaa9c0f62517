/* A pointer corrupted by an overflow inside a struct: `set_name` copies a client-supplied name
 * of a client-supplied length into a 16-byte array, and the struct's next field is the pointer
 * to the greeting it prints. A 24-byte name ends with 8 bytes of the attacker's choosing, the
 * address of the license key (a private global); the greeting printed through the corrupted
 * pointer is then the key in the plain build. confcc finds the public pointer aimed at the
 * private region when it is passed to puts and stops the program. The attacker is assumed to
 * know the key's address (private globals lie at a fixed address). argv: a name, then the
 * length of the malicious one. */
// attack-secret: S3CR3T-ptr-a913
// run-args: bob 24
// expect-exit: 86
// expect-stdout: hello bob, have a nice day
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char license_key[32] = "S3CR3T-ptr-a913";

struct greeting {
    char name[16];
    const char *msg;
};

static void set_name(struct greeting *g, const char *data, size_t len) {
    memcpy(g->name, data, len); /* BUG: LEN is not checked against sizeof g->name */
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    struct greeting g = {"", "have a nice day"};
    set_name(&g, argv[1], strlen(argv[1]) + 1);
    printf("hello %s, %s\n", g.name, g.msg);
    fflush(stdout);

    /* The attacker: a name of argv[2] bytes whose last 8 are the key's address. */
    size_t len = strtoul(argv[2], NULL, 10);
    char payload[64];
    unsigned long target = (unsigned long)(uintptr_t)license_key;
    if (len < sizeof target || len > sizeof payload) return 2;
    memset(payload, 'A', len);
    memcpy(payload + len - sizeof target, &target, sizeof target);
    set_name(&g, payload, len);

    puts(g.msg);
    return 0;
}
