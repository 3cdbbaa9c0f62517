/* printf is variadic: a private PIN in a variadic position is rejected. */
#include <stdio.h>
#include <confpass.h>

private int pin;

void debug_dump(void) {
    printf("pin=%d\n", pin); //~ ERROR private-to-variadic
}
