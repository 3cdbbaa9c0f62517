/* A conditional expression (select) on a private key byte stored into a public global: the
 * stored constant is decided by private data. */
#include <confpass.h>

private char key[16];
int key_is_weak;

void classify(void) {
    key_is_weak = key[0] == 0 ? 1 : 0; //~ ERROR implicit-flow
}
