/* A static function that loops a number of times given by its parameter and bumps a public
 * counter: called with a private value, the loop bound is private and the store inside the
 * static function is an implicit flow. */
#include <confpass.h>

private int secret_delay;
unsigned long ticks;

static void spin(int n) {
    for (int i = 0; i < n; i++)
        ticks++; //~ ERROR implicit-flow
}

void wait_secret(void) {
    spin(secret_delay);
}
