/* The address of a private global converted to a public pointer through uintptr_t inside a
 * function: clang folds the casts of a global's address into a constant expression. */
#include <stdio.h>
#include <stdint.h>
#include <confpass.h>

private char password[32];

void print_password(void) {
    puts((const char *)(uintptr_t)password); //~ ERROR private-to-public-cast
}
