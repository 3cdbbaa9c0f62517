/* A local buffer filled with private bytes through a cursor, whose address then leaves the
 * function through the cursor itself: the buffer is public memory, so the stores leak. */
#include <stdio.h>
#include <confpass.h>

private char key[16];

void dump(void) {
    char buf[17] = {0};
    char *out = buf;
    for (int i = 0; i < 16; i++)
        *out++ = key[i]; //~ ERROR private-to-public-store
    out -= 16;
    puts(out);
}
