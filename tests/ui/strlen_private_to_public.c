/* strlen of a private password is private (policy: *arg1 -> ret): storing the length into a
 * public global leaks it. */
#include <string.h>
#include <confpass.h>

private char password[64];
unsigned long password_length;

void measure(void) {
    password_length = strlen(password); //~ ERROR private-to-public-store
}
