/* Mutually recursive static functions on a private counter: both signatures are inferred
 * together, the branches on private data touch no public state, the result stays private. */
#include <confpass.h>

private unsigned failed_logins;
private int failures_even;

static int is_odd(unsigned n);

static int is_even(unsigned n) {
    return n == 0 ? 1 : is_odd(n - 1);
}

static int is_odd(unsigned n) {
    return n == 0 ? 0 : is_even(n - 1);
}

void classify_failures(void) {
    failures_even = is_even(failed_logins % 16);
}
