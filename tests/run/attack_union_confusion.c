/* Type confusion through a union: a setting holds either a string or a number, and `show`
 * formats it as the client asks instead of as its tag says. The attacker stores a number (the
 * address of the API token, a private global) and asks to see it as a string: the plain build
 * prints the token; confcc finds the public pointer aimed at the private region when it is
 * passed to printf and stops the program. The attacker is assumed to know the token's address
 * (private globals lie at a fixed address). argv: the kind to set, then the kind to show. */
// attack-secret: S3CR3T-union-5d0e
// run-args: num text
// expect-exit: 86
// expect-stdout: timeout: 30
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char api_token[32] = "S3CR3T-union-5d0e";

struct setting {
    int is_text;
    union {
        const char *text;
        long number;
    } u;
};

static void set(struct setting *s, const char *kind, const char *value) {
    s->is_text = strcmp(kind, "text") == 0;
    if (s->is_text)
        s->u.text = value;
    else
        s->u.number = strtol(value, NULL, 0);
}

static void show(const char *name, const struct setting *s, const char *kind) {
    if (strcmp(kind, "text") == 0) /* BUG: trusts the client's KIND, not s->is_text */
        printf("%s: %s\n", name, s->u.text);
    else
        printf("%s: %ld\n", name, s->u.number);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    struct setting timeout, banner;
    set(&timeout, "num", "30");
    show("timeout", &timeout, "num");

    /* The attacker: a number that is the token's address. */
    char value[32];
    snprintf(value, sizeof value, "%#lx", (unsigned long)(uintptr_t)api_token);
    set(&banner, argv[1], value);
    show("banner", &banner, argv[2]);
    return 0;
}
