/* Inline assembly cannot be analysed: a private value used as an asm operand is rejected. */
#include <confpass.h>

private int round_key;

void load_round_key(void) {
    __asm__ volatile("" : : "r"(round_key)); //~ ERROR private-to-asm
}
