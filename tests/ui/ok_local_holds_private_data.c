/* Locals whose address never escapes take the taint of what is stored into them: a checksum
 * accumulated from a private key in a local stays private and goes to private memory. */
#include <confpass.h>

private unsigned char key[32];
private unsigned key_checksum;

void checksum(void) {
    unsigned sum = 0;
    unsigned char tmp[32];
    for (int i = 0; i < 32; i++) {
        tmp[i] = key[i];
        sum = sum * 31 + tmp[i];
    }
    key_checksum = sum;
}
