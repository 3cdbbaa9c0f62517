/* -confpass-implicit-flows=warn only downgrades implicit flows: an explicit store of private
 * data into public memory in the same function is still an error. */
// confpass-flags: -mllvm -confpass-implicit-flows=warn
#include <confpass.h>

private int pin;
int pin_is_default;
int pin_copy;

void inspect(void) {
    if (pin == 1234)
        pin_is_default = 1; //~ WARNING implicit-flow
    pin_copy = pin; //~ ERROR private-to-public-store
}
