/* With -confpass-implicit-flows=allow, public effects under a branch on private data are not
 * reported: the same program as implicit_flow_warn.c compiles cleanly. */
// confpass-flags: -mllvm -confpass-implicit-flows=allow
#include <stdio.h>
#include <confpass.h>

private char key[16];
int key_starts_with_zero;

void inspect(void) {
    if (key[0] == 0) {
        key_starts_with_zero = 1;
        puts("weak key");
    }
}
