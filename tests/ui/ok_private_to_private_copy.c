/* Copying a private key into another private buffer, byte by byte and as a struct
 * assignment, keeps the data in private memory: no diagnostic. */
#include <confpass.h>

struct keypair {
    unsigned char pub_part[16];
    unsigned char sec_part[16];
};

private unsigned char current_key[16];
private unsigned char previous_key[16];
private struct keypair active, standby;

void rotate(void) {
    for (int i = 0; i < 16; i++)
        previous_key[i] = current_key[i];
    standby = active;
}
