/* Writing a constant into a public table at an index derived from a private key leaks the key
 * through the address: which slot changed reveals the key byte. */
#include <confpass.h>

private unsigned char key[16];
unsigned char seen[16];

void mark_nibble(void) {
    seen[key[0] & 15] = 1; //~ ERROR private-to-public-store
}
