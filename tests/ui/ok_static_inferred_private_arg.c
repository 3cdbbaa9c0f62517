/* A static function's signature is inferred from its callers: called with a private value,
 * its parameter is private and so is its result, which is stored to private memory. */
#include <confpass.h>

private unsigned seed;
private unsigned stream_state;

static unsigned mix(unsigned x) {
    x ^= x >> 16;
    x *= 0x45d9f3b;
    return x ^ (x >> 16);
}

void advance(void) {
    stream_state = mix(seed);
}
