/* A loop bounded by the length of a private password that writes a public buffer: how many
 * bytes are written reveals the length (the index is tainted only by the loop condition, so
 * this is one implicit flow). */
#include <string.h>
#include <confpass.h>

private char password[64];
char mask[64];

void mask_password(void) {
    size_t n = strlen(password);
    for (size_t i = 0; i < n; i++)
        mask[i] = '*'; //~ ERROR implicit-flow
}
