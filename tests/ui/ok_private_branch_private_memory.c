/* A branch on private data whose arms only write private memory and locals: nothing public
 * depends on it. */
#include <confpass.h>

private char password[32];
private int strength;

void rate_password(void) {
    int score = 0;
    for (int i = 0; i < 32; i++) {
        if (password[i] >= '0' && password[i] <= '9')
            score += 2;
        else if (password[i] != 0)
            score += 1;
    }
    if (score > 20)
        strength = 3;
    else
        strength = score / 8;
}
