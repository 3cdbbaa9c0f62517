/* clang's front end folds the value of a const scalar, or of a member of a const structure,
 * into the code that reads it (at -O0 too, before any plugin runs), where it is public: a
 * private const scalar or structure (or array of structures) is rejected. An array of scalars
 * is fine: confpass keeps the optimiser from folding its values. */
#include <confpass.h>

private const unsigned long api_token = 0x5443524533ul; //~? ERROR bad-annotation
private const char table[4] = {1, 2, 3, 4};
struct cfg { long pin; int tries; };
private const struct cfg settings[1] = {{0x5333435233545f4bl, 3}}; //~? ERROR bad-annotation

int matches(unsigned long guess, int i) {
    return conf_declassify_int(guess == api_token) + conf_declassify_int(table[i & 3] == 2) + conf_declassify_int(settings[0].pin == (long)guess);
}
