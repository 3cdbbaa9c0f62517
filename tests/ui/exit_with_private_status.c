/* exit is an external function without a policy rule: it takes public arguments only, so a
 * private PIN as the exit status (visible to the parent process) is rejected. */
#include <stdlib.h>
#include <confpass.h>

private int pin;

void die_with_pin(void) {
    exit(pin); //~ ERROR private-argument
}
