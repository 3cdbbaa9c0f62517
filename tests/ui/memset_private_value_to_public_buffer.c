/* memset of a public buffer with a fill byte taken from a private salt writes the private byte
 * into public memory. */
#include <string.h>
#include <confpass.h>

private unsigned char salt[8];
unsigned char padding[16];

void pad_message(void) {
    memset(padding, salt[3], sizeof padding); //~ ERROR private-to-public-store
}
