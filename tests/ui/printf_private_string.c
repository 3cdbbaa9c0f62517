/* printf("%s") with a pointer to a private password: a variadic position never accepts a
 * pointer to private memory. */
#include <stdio.h>
#include <confpass.h>

private char password[32];

void debug_dump(void) {
    printf("password=%s\n", password); //~ ERROR private-to-variadic
}
