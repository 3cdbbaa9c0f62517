/* A CONFPASS_HEAP_SIZE outside 64M..15G is fatal: the program prints one "confpass: ..." line
 * naming the variable and exits with CONFPASS_SETUP_EXIT (87) instead of using the private
 * heap. */
// run-env: CONFPASS_HEAP_SIZE=1M
// expect-exit: 87
// expect-stderr-contains: confpass: CONFPASS_HEAP_SIZE must be between 64M and 15G
#include <confpass.h>
#include <stdio.h>

int main(void) {
    private char *p = conf_malloc(16);
    puts(p != NULL ? "allocated" : "no memory");
    return 0;
}
