/* An explicit cast of a public buffer to a private pointer, passed to a function that fills
 * private memory: the "private" key would be written into public memory. */
#include <confpass.h>

void derive_key(private char *out, int n);
char scratch[32];

void prepare(void) {
    derive_key((private char *)scratch, 32); //~ ERROR public-to-private-cast
}
