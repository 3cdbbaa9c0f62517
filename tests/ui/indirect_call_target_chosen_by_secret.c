/* Calling through a handler table indexed by a private key bit: which function runs reveals
 * the key bit, so the indirect call is rejected. */
#include <confpass.h>

private unsigned char key[16];
void (*handlers[2])(void);

void dispatch(void) {
    handlers[key[0] & 1](); //~ ERROR indirect-call
}
