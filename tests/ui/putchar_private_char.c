/* putchar of a private password character prints it: private-argument to an external
 * function that takes public data. */
#include <stdio.h>
#include <confpass.h>

private char password[32];

void echo_first_char(void) {
    putchar(password[0]); //~ ERROR private-argument
}
