/* An if/else on a private key byte that stores a different constant into a public global in
 * each branch: no private value is stored, but the public global reveals the branch taken. */
#include <confpass.h>

private char key[16];
int mode;

void choose_mode(void) {
    if (key[0] == 'a')
        mode = 1; //~ ERROR implicit-flow
    else
        mode = 2; //~ ERROR implicit-flow
}
