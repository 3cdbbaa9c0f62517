/* Flow path through locals: a PIN digit computed in two locals and then printed with putchar.
 * The notes show where the private data is read and each local it passes through. */
#include <stdio.h>
#include <confpass.h>

private int pin;

void show_last_digit(void) {
    int digit = pin % 10; //~ NOTE private data is read here
    //~^ NOTE it is stored into a local variable here
    int ch = '0' + digit; //~ NOTE it is stored into a local variable here
    putchar(ch); //~ ERROR private-argument
}
