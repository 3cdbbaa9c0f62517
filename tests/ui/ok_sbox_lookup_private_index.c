/* S-box lookups in a public table at private indices, with the results kept in private memory:
 * allowed (cache timing is out of the threat model). */
#include <confpass.h>

const unsigned char sbox[256] = {0x63, 0x7c, 0x77, 0x7b};
private unsigned char round_key[16];
private unsigned char state[16];

void sub_bytes(void) {
    for (int i = 0; i < 16; i++)
        state[i] = sbox[state[i] ^ round_key[i]];
}
