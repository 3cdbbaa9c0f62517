/* A static helper that stores its argument through a public pointer: called with a private
 * value, its inferred parameter is private and the store inside it is rejected. */
#include <confpass.h>

private int pin;
int shown_digit;

static void put_digit(int *dst, int v) {
    *dst = v % 10; //~ ERROR private-to-public-store
}

void show_last_digit(void) {
    put_digit(&shown_digit, pin);
}
