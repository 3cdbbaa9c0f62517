/* A value loaded from a public table at a private index depends on the index: storing an
 * S-box lookup of a private key byte into public memory is rejected. */
#include <confpass.h>

const unsigned char sbox[256] = {0x63, 0x7c, 0x77, 0x7b};
private unsigned char key[16];
unsigned char debug_byte;

void trace_first_round(void) {
    debug_byte = sbox[key[0]]; //~ ERROR private-to-public-store
}
