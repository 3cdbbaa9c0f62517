/* A static function returning a private key byte has an inferred private return: storing its
 * result into a public global is rejected at the caller. */
#include <confpass.h>

private unsigned char key[16];
unsigned char checksum;

static unsigned char key_byte(int i) {
    return key[i];
}

void compute_checksum(void) {
    checksum = key_byte(0) ^ key_byte(1); //~ ERROR private-to-public-store
}
