/* A non-static function's signature is not inferred (other translation units may call it), so
 * its parameters are public: passing it private data is rejected even though its body would
 * keep the value private. */
#include <confpass.h>

private int master_seed;
private int derived;

int scramble(int v) {
    return v * 2654435761u;
}

void derive(void) {
    derived = scramble(master_seed); //~ ERROR private-argument
}
