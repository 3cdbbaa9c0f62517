/* Converting a public pointer to a private one through an integer (uintptr_t): private data
 * written through the result would land in public memory. */
#include <stdint.h>
#include <confpass.h>

void store_secret(char *scratch, private char *key) {
    private char *p = (private char *)(uintptr_t)scratch; //~ ERROR public-to-private-cast
    p[0] = key[0];
}
