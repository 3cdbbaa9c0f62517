/* A private value passed through a function pointer: confpass cannot show that the callee
 * accepts private data, so the indirect call is rejected. */
#include <confpass.h>

private int pin;
void (*on_pin_entered)(int);

void submit_pin(void) {
    on_pin_entered(pin); //~ ERROR indirect-call
}
