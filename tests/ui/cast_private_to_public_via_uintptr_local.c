/* A private pointer laundered through a uintptr_t local variable (two statements instead of
 * one expression) is still a conversion of a private pointer to a public one. */
#include <stdint.h>
#include <confpass.h>

char *launder(private char *key) {
    uintptr_t addr = (uintptr_t)key;
    return (char *)addr; //~ ERROR private-to-public-cast
}
