/* A local buffer filled with private bytes through a cursor pointer variable, then copied to
 * private memory: the buffer never leaves the function, so nothing public is written. */
#include <string.h>
#include <confpass.h>

private unsigned char key[16];
private unsigned char expanded[32];

void expand_key(void) {
    unsigned char buf[32];
    unsigned char *out = buf;
    for (int i = 0; i < 16; i++) {
        *out++ = key[i];
        *out++ = key[i] ^ 0xff;
    }
    memcpy(expanded, buf, sizeof expanded);
}
