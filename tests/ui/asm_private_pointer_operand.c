/* A pointer to private memory handed to inline assembly: the assembly could read the private
 * bytes and put them anywhere. */
#include <confpass.h>

private unsigned char key[16];

void prefetch_key(void) {
    __asm__ volatile("prefetcht0 (%0)" : : "r"(key)); //~ ERROR private-to-asm
}
