/* snprintf is variadic: formatting a private PIN into a buffer is rejected at the variadic
 * argument, whatever the destination. */
#include <stdio.h>
#include <confpass.h>

private int pin;
char status_line[32];

void format_status(void) {
    snprintf(status_line, sizeof status_line, "pin %04d", pin); //~ ERROR private-to-variadic
}
