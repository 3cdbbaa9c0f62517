/* strtol is `public` in the policy (clang accepts private pointers for it as a builtin, but it
 * could hand back a public end pointer into private memory), so parsing a private PIN string
 * with it is rejected. */
#include <stdlib.h>
#include <confpass.h>

private char pin_text[8];
private long pin_value;

void parse_pin(void) {
    pin_value = strtol(pin_text, 0, 10); //~ ERROR private-argument
}
