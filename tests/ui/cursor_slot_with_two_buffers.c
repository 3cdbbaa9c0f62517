/* A pointer variable that may point into either of two local buffers is not tracked: both
 * buffers count as public memory, and a private byte stored through it is reported. */
#include <confpass.h>

private char key[16];
private char sink[16];

void pick(int which) {
    char a[16] = {0}, b[16] = {0};
    char *p = which ? a : b;
    p[0] = key[0]; //~ ERROR private-to-public-store
    sink[0] = (char)(a[1] + b[1]);
}
