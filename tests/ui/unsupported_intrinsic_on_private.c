/* A target intrinsic that confpass does not model (SSE4.2 crc32) receiving a private key byte
 * cannot be analysed soundly and is rejected as unsupported. */
#include <confpass.h>

private unsigned char key[16];
private unsigned key_crc;

__attribute__((target("sse4.2"))) void checksum_key(void) {
    key_crc = __builtin_ia32_crc32qi(0, key[0]); //~ ERROR unsupported
}
