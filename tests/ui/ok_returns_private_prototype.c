/* CONF_RETURNS_PRIVATE and CONF_PRIVATE_ARGS on prototypes of functions defined elsewhere: a
 * private result may be passed where a private argument is declared, and stored privately. */
#include <confpass.h>

CONF_RETURNS_PRIVATE int read_pin_from_keypad(void);
CONF_PRIVATE_ARGS(1) void verify_pin(int pin);

private int last_pin;

void pin_prompt(void) {
    int pin = read_pin_from_keypad();
    verify_pin(pin);
    last_pin = pin;
}
