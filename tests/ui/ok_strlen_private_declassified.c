/* strlen of a private password is private; it is used privately (to zero-pad the password),
 * and only its declassified value decides a public message. */
#include <stdio.h>
#include <string.h>
#include <confpass.h>

private char password[64];
private int padded_to;

void check_strength(void) {
    size_t n = strlen(password);
    for (int i = 0; i < 64; i++)
        if (i >= (int)n)
            password[i] = 0;
    padded_to = (int)n;
    if (conf_declassify_int(n < 12))
        puts("password too short");
}
