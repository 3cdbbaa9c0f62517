/* A static recursive function over private data (square-and-multiply on a private exponent)
 * is inferred like any other static function: its result stays private. */
#include <confpass.h>

private unsigned long exponent;
private unsigned long shared_secret;

static unsigned long pow_mod(unsigned long b, unsigned long e, unsigned long m) {
    if (e == 0)
        return 1;
    unsigned long half = pow_mod(b, e / 2, m);
    unsigned long sq = half * half % m;
    return e % 2 ? sq * b % m : sq;
}

void agree(unsigned long peer_public) {
    shared_secret = pow_mod(peer_public, exponent, 2147483647ul);
}
