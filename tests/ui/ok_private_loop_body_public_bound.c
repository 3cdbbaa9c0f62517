/* A loop with a public bound whose body reads and writes only private memory (XOR-ing a key
 * with an HMAC pad): the control flow is public, the data stays private. */
#include <confpass.h>

private unsigned char hmac_key[64];
private unsigned char inner_pad[64];

void make_inner_pad(void) {
    for (int i = 0; i < 64; i++)
        inner_pad[i] = hmac_key[i] ^ 0x36;
}
