/* The classic password check without declassification: the strcmp result is private, and
 * printing a different message depending on it is an implicit flow. */
#include <stdio.h>
#include <string.h>
#include <confpass.h>

private char stored_password[32];
private char attempt[32];

void login(void) {
    if (strcmp(stored_password, attempt) == 0)
        puts("welcome"); //~ ERROR implicit-flow
}
