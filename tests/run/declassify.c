/* Every declassification function returns (or copies) its argument unchanged, and a program
 * with private data runs like a plain C program. */
// expect-stdout: 42 -7 18446744073709551615 2.5
// expect-stdout: open sesame
// expect-exit: 3
#include <confpass.h>
#include <stdio.h>

private char phrase[16] = "open sesame";

int main(void) {
    char out[16];
    conf_declassify_bytes(out, phrase, sizeof out);
    printf("%d %ld %lu %.1f\n", conf_declassify_int(42), conf_declassify_long(-7),
           conf_declassify_ulong(~0UL), conf_declassify_double(2.5));
    puts(out);
    return 3;
}
