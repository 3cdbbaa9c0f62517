/* conf_declassify_long releases a long computed from private data (the size of an encrypted
 * blob) to a public global. */
#include <confpass.h>

private long plaintext_length;
long ciphertext_length;

void publish_length(void) {
    ciphertext_length = conf_declassify_long((plaintext_length + 15) / 16 * 16);
}
