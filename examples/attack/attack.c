/* A blocked attack: a memory bug that leaks a secret when built with a plain compiler, and is
 * stopped by confcc's run-time guards.
 *
 * A greeting card keeps the sender's name right before a pointer to its message. The name is
 * copied from the input with the input's length (the bug): 16 bytes of name and 8 more bytes
 * overwrite the message pointer. The attacker sends the address of the secret key (addresses
 * are no secret: the private region is at a fixed place, and the binary tells the rest), so
 * printing the "message" prints the key.
 *
 *   clang-22 -isystem ../../annotations/include attack.c -o plain && ./plain 24   # leaks the key
 *   confcc attack.c -o protected && ./protected 24                              # stopped
 *   ./protected 5                                                               # a short name: works
 */
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char key[32] = "TOP-SECRET-KEY-f00d";

struct card {
    char name[16];
    const char *message;
};

static void print_card(const char *input, size_t len) {
    struct card c = {"", "happy birthday!"};
    memcpy(c.name, input, len); /* BUG: len is the input's, not the field's */
    c.name[len < sizeof c.name ? len : sizeof c.name - 1] = 0;
    printf("from %.5s: %s\n", c.name, c.message);
}

int main(int argc, char **argv) {
    size_t len = argc > 1 ? strtoul(argv[1], NULL, 10) : 5;
    if (len > 24)
        len = 24;
    /* The attacker's input: a name, then the key's address. */
    char input[24];
    memset(input, 'A', sizeof input);
    uintptr_t where = (uintptr_t)key;
    memcpy(input + 16, &where, sizeof where);
    print_card(input, len);
    return 0;
}
