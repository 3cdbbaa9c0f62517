/* Copying public input (a password typed by the user) into private memory is always allowed:
 * public data may flow anywhere. */
#include <string.h>
#include <confpass.h>

private char entered_password[64];
private int entered_length;

void take_password(const char *input, int n) {
    if (n > 63)
        n = 63;
    memcpy(entered_password, input, n);
    entered_password[n] = 0;
    entered_length = n;
}
