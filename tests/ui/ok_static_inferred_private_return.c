/* A static function returning a private key byte has an inferred private return; its callers
 * use the result only privately. */
#include <confpass.h>

private unsigned char key[16];
private unsigned char reversed[16];

static unsigned char key_byte(int i) {
    return key[i];
}

void reverse_key(void) {
    for (int i = 0; i < 16; i++)
        reversed[i] = key_byte(15 - i);
}
