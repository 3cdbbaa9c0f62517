/* A malformed CONFPASS_STACK_SIZE is fatal at start-up: the program does not run main, prints
 * one "confpass: ..." line naming the variable and exits with CONFPASS_SETUP_EXIT (87). */
// run-env: CONFPASS_STACK_SIZE=12Q
// expect-exit: 87
// expect-stderr-contains: confpass: malformed size in CONFPASS_STACK_SIZE
#include <confpass.h>
#include <stdio.h>

int main(void) {
    puts("main ran");
    return 0;
}
