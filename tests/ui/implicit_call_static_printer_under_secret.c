/* A call, under a branch on private data, to a static function that prints: the static
 * function has a public effect, so whether it runs is an implicit flow. */
#include <stdio.h>
#include <confpass.h>

private int failed_attempts;

static void warn_user(void) {
    puts("account locked");
}

void check_lockout(void) {
    if (failed_attempts > 3)
        warn_user(); //~ ERROR implicit-flow
}
