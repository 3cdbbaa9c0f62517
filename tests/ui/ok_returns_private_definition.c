/* CONF_RETURNS_PRIVATE on a non-static definition: returning private data is allowed, and the
 * caller stores the result privately. */
#include <confpass.h>

private int stored_pin;
private int pin_copy;

CONF_RETURNS_PRIVATE int current_pin(void) {
    return stored_pin;
}

void copy_pin(void) {
    pin_copy = current_pin() + 0;
}
