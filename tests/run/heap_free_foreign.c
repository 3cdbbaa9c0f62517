/* conf_free accepts only blocks of the private heap: freeing the address of a private global
 * (private memory, but not a heap block) is a run-time violation: one "confpass: violation:"
 * line, exit status 86, and nothing after it runs. */
// expect-exit: 86
// expect-stdout: before
// expect-stderr-contains: confpass: violation: conf_free of memory not from the private heap
#include <confpass.h>
#include <stdio.h>

private char not_a_heap_block[64];

int main(void) {
    puts("before");
    fflush(stdout);
    conf_free(not_a_heap_block);
    puts("after");
    return 0;
}
