/* memset of a private buffer, with a constant (wiping a key) or with a private fill byte,
 * writes only private memory. */
#include <string.h>
#include <confpass.h>

private unsigned char key[32];
private unsigned char mask[32];

void wipe_and_mask(void) {
    memset(mask, key[0], sizeof mask);
    memset(key, 0, sizeof key);
}
