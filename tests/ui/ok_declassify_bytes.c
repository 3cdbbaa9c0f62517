/* conf_declassify_bytes copies private bytes (an encrypted token, ready to send) into a public
 * buffer: the audited exit for memory. */
#include <stdio.h>
#include <confpass.h>

private unsigned char sealed_token[16];
unsigned char wire[16];

void send_token(void) {
    conf_declassify_bytes(wire, sealed_token, sizeof wire);
    fwrite(wire, 1, sizeof wire, stdout);
}
