/* Converting a private pointer to a public one through an integer (uintptr_t) is the same as a
 * direct cast: the result would let public code read private memory. */
#include <stdint.h>
#include <confpass.h>

char *launder(private char *key) {
    return (char *)(uintptr_t)key; //~ ERROR private-to-public-cast
}
