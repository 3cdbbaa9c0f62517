/* conf_declassify_ulong releases a public fingerprint of a private key (a hash deliberately
 * published) to a public buffer. */
#include <confpass.h>

private unsigned char signing_key[32];
unsigned long key_fingerprint;

void fingerprint(void) {
    unsigned long h = 1469598103934665603ul;
    for (int i = 0; i < 32; i++)
        h = (h ^ signing_key[i]) * 1099511628211ul;
    key_fingerprint = conf_declassify_ulong(h);
}
