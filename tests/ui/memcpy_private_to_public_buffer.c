/* memcpy from a private key into a public buffer copies private bytes into public memory. */
#include <string.h>
#include <confpass.h>

private char master_key[32];
char outbox[64];

void stage_key(void) {
    memcpy(outbox, master_key, sizeof master_key); //~ ERROR private-to-public-store
}
