/* A public struct with a pointer to private memory: a byte read through the private pointer is
 * private, and storing it into a public field of the struct is rejected. */
#include <confpass.h>

struct credential {
    private char *pw;
    int len;
    char hint;
};

void make_hint(struct credential *c) {
    c->len = 32;
    c->hint = c->pw[0]; //~ ERROR private-to-public-store
}
