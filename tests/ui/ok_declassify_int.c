/* conf_declassify_int is the audited exit for an int: the result of a private password
 * comparison, once declassified, may decide what is printed. */
#include <stdio.h>
#include <string.h>
#include <confpass.h>

private char stored_password[32];
private char attempt[32];

void login(void) {
    int ok = conf_declassify_int(strcmp(stored_password, attempt) == 0);
    puts(ok ? "access granted" : "access denied");
}
