/* Flow path across a static function: a private balance passed to a static formatting helper,
 * whose inferred parameter is private, reaches printf inside the helper. */
#include <stdio.h>
#include <confpass.h>

private long balance;

static void print_amount(long cents) { //~ NOTE it is stored into a local variable here
    printf("%ld.%02ld\n", cents / 100, cents % 100); //~ ERROR private-to-variadic
}

void show_balance(void) {
    print_amount(balance); //~ NOTE private data is read here
    //~^ NOTE it is passed as argument 1 here
}
