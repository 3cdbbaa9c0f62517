/* A static function whose address is taken may be called from anywhere, so its signature is
 * not inferred: its parameters are public, and a direct call with private data is rejected. */
#include <confpass.h>

private int pin;
int (*hash_fn)(int);

static int hash(int v) {
    return v * 31 + 7;
}

void setup(void) {
    hash_fn = hash;
}

int hashed_pin(void) {
    return hash(pin); //~ ERROR private-argument
}
