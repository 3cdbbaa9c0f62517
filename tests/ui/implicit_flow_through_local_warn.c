/* A flag set in a local under a branch on private data, then stored to public memory: the
 * value stored carries only the branch decision, so it is an implicit flow (a warning under
 * -confpass-implicit-flows=warn, not an error). */
// confpass-flags: -mllvm -confpass-implicit-flows=warn
#include <confpass.h>

private char key[16];
int key_is_zero;

void inspect(void) {
    int zero = 0;
    if (key[0] == 0)
        zero = 1;
    key_is_zero = zero; //~ WARNING implicit-flow
}
