/* Flow path from a CONF_PRIVATE_ARGS parameter: the definition declares its first parameter
 * private, and storing it into a public global is rejected; the note names the parameter. */
#include <confpass.h>

int last_seen_pin;

CONF_PRIVATE_ARGS(1) void remember_pin(int pin) { //~ NOTE parameter 1 is private (CONF_PRIVATE_ARGS)
    //~^ NOTE it is stored into a local variable here
    last_seen_pin = pin; //~ ERROR private-to-public-store
}
