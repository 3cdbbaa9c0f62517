/* An explicit cast of a private password to `const char *` to get it past clang's
 * address-space check (here: to print it) is rejected. */
#include <stdio.h>
#include <confpass.h>

private char password[32];

void print_password(void) {
    puts((const char *)password); //~ ERROR private-to-public-cast
}
