/* Under a branch on a private PIN, a call to a static function that only updates private
 * memory: the callee has no public effect, so the call is allowed. */
#include <confpass.h>

private int pin;
private int flagged_pins;

static void flag_pin(int v) {
    flagged_pins += v > 9000;
}

void audit_pin(void) {
    if (pin > 1000)
        flag_pin(pin);
}
