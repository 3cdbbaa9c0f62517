/* strchr is `public` in the libc policy: it would return a public pointer into private memory,
 * so passing it a pointer to a private password is rejected. */
#include <string.h>
#include <confpass.h>

private char credentials[64];
int has_separator;

void parse(void) {
    has_separator = strchr(credentials, ':') != 0; //~ ERROR private-argument
}
