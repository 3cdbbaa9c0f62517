/* The result of a CONF_RETURNS_PRIVATE function is private: storing it into a public global is
 * rejected. */
#include <confpass.h>

CONF_RETURNS_PRIVATE int read_pin_from_keypad(void);

int last_pin_entered;

void pin_prompt(void) {
    last_pin_entered = read_pin_from_keypad(); //~ ERROR private-to-public-store
}
