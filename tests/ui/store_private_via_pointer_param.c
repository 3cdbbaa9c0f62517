/* A non-static function that writes a private PIN through a plain (public) pointer parameter:
 * the pointee is public memory, so the store is rejected. */
#include <confpass.h>

private int stored_pin;

void get_pin(int *out) {
    *out = stored_pin; //~ ERROR private-to-public-store
}
