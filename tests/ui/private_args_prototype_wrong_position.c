/* CONF_PRIVATE_ARGS(1) marks only the first parameter private: a private value passed in the
 * second, public, position is rejected. */
#include <confpass.h>

CONF_PRIVATE_ARGS(1) void hmac_update(unsigned key_word, unsigned data_word);

private unsigned key_word;

void feed(void) {
    hmac_update(key_word, 0);
    hmac_update(0, key_word); //~ ERROR private-argument
}
