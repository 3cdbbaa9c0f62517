/* A non-static function without CONF_RETURNS_PRIVATE returns public data: returning a private
 * PIN from it is rejected. */
#include <confpass.h>

private int stored_pin;

int current_pin(void) {
    return stored_pin; //~ ERROR private-return
}
