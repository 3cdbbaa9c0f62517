/* With -confpass-implicit-flows=warn an implicit flow (a public store under a branch on a
 * private value) is a warning, and the compile succeeds. */
// confpass-flags: -mllvm -confpass-implicit-flows=warn
#include <confpass.h>

private char key[16];
int key_starts_with_zero;

void inspect(void) {
    if (key[0] == 0)
        key_starts_with_zero = 1; //~ WARNING implicit-flow
}
