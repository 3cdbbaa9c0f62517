/* Assigning a whole private struct (a key pair) to a public struct copies private bytes into
 * public memory. */
#include <confpass.h>

struct keypair {
    unsigned char public_key[32];
    unsigned char secret_key[32];
};

private struct keypair identity;
struct keypair exported;

void export_identity(void) {
    exported = identity; //~ ERROR private-to-public-store
}
