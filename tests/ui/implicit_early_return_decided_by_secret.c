/* A public-returning (non-static) function whose early return is decided by a private
 * password byte: the public result reveals the comparison. clang merges the returns into one
 * `ret` at the closing brace, which is where the implicit flow is reported. */
#include <confpass.h>

private char password[32];

int starts_with_digit(void) {
    if (password[0] >= '0' && password[0] <= '9')
        return 1;
    return 0;
} //~ ERROR implicit-flow
