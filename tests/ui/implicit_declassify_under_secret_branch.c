/* conf_declassify_bytes writes public memory: calling it only when a private flag is set lets
 * the flag decide a public effect. */
#include <confpass.h>

private int debug_enabled_secret;
private unsigned char session_key[16];
unsigned char dump[16];

void maybe_dump(void) {
    if (debug_enabled_secret)
        conf_declassify_bytes(dump, session_key, sizeof dump); //~ ERROR implicit-flow
}
