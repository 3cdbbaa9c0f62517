/* A switch on a private access level that calls puts in its cases: what is printed reveals the
 * level, so each call decided by the switch is an implicit flow. */
#include <stdio.h>
#include <confpass.h>

private int access_level;

void greet(void) {
    switch (access_level) {
    case 0:
        puts("guest"); //~ ERROR implicit-flow
        break;
    case 1:
        puts("user"); //~ ERROR implicit-flow
        break;
    default:
        puts("admin"); //~ ERROR implicit-flow
    }
}
