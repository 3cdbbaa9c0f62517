/* strcpy (a policy function: *arg2 -> *arg1) from a private password into a public buffer
 * writes private bytes into public memory. */
#include <string.h>
#include <confpass.h>

private char password[64];
char display_line[64];

void show_credentials(void) {
    strcpy(display_line, password); //~ ERROR private-to-public-store
}
