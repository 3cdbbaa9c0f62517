/* clang's front end folds the value of a const scalar into the code that reads it (at -O0
 * too, before any plugin runs), where it is public: a private const scalar is rejected. An
 * array is fine: confpass keeps the optimiser from folding its values. */
#include <confpass.h>

private const unsigned long api_token = 0x5443524533ul; //~? ERROR bad-annotation
private const char table[4] = {1, 2, 3, 4};

int matches(unsigned long guess, int i) {
    return conf_declassify_int(guess == api_token) + conf_declassify_int(table[i & 3] == 2);
}
