/* A non-static function returning a large struct (returned through memory by the ABI) copied
 * from a private global: the returned value is private data. */
#include <confpass.h>

struct keypair {
    unsigned char public_key[32];
    unsigned char secret_key[32];
};

private struct keypair identity;

struct keypair get_identity(void) {
    return identity; //~ ERROR private-return
}
