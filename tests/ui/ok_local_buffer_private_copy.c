/* A local buffer used only with memcpy/memset and private reads and writes never escapes:
 * it takes the taint of the private key copied into it, and its contents go back to private
 * memory. */
#include <string.h>
#include <confpass.h>

private unsigned char key[16];
private unsigned char rotated[16];

void rotate_key(void) {
    unsigned char tmp[16];
    memcpy(tmp, key, sizeof tmp);
    for (int i = 0; i < 16; i++)
        tmp[i] = (unsigned char)((tmp[i] << 1) | (tmp[i] >> 7));
    memcpy(rotated, tmp, sizeof rotated);
    memset(tmp, 0, sizeof tmp);
}
