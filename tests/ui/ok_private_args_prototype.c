/* CONF_PRIVATE_ARGS(2, 3) on an external key-derivation function: private scalars at those
 * positions are accepted, public data at the others. */
#include <confpass.h>

CONF_PRIVATE_ARGS(2, 3) void derive_subkey(private unsigned char *out, unsigned salt, unsigned counter, int label);

private unsigned master_salt;
private unsigned message_counter;
private unsigned char subkey[32];

void next_subkey(void) {
    derive_subkey(subkey, master_salt, message_counter, 7);
}
