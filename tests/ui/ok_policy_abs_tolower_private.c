/* Policy functions with flows (abs, tolower: arg1 -> ret) accept private arguments; their
 * results are private and stay in private memory. */
#include <ctype.h>
#include <stdlib.h>
#include <confpass.h>

private int balance_delta;
private int magnitude;
private char username_secret[32];

void normalise(void) {
    magnitude = abs(balance_delta);
    for (int i = 0; i < 32; i++)
        username_secret[i] = (char)tolower(username_secret[i]);
}
