/* Trapping (crashing the process) only when a private key byte has a given value: whether the
 * process dies reveals the byte, like calling abort() or exit() under that branch. */
#include <confpass.h>

private unsigned char key[16];

void self_test(void) {
    if (key[0] == 0)
        __builtin_trap(); //~ ERROR implicit-flow
}
