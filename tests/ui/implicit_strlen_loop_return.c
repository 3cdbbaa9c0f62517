/* A non-static function counting the characters of a private password in a loop: the count is
 * computed only from the loop's branch decisions, so returning it publicly is an implicit
 * flow. */
#include <confpass.h>

int password_length(const private char *pw) {
    int n = 0;
    while (pw[n] != 0)
        n++;
    return n; //~ ERROR implicit-flow
}
