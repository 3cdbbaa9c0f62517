/* A password check. The stored password is private: confpass keeps it out of public memory,
 * and the only thing that leaves the check is one declassified bit, "granted or not".
 *
 *   confcc -O2 password.c -o password && ./password "correct horse battery staple"
 *   confcc -O2 -DDEMO_LEAK password.c      # rejected at compile time
 */
#include <confpass.h>
#include <stdio.h>
#include <string.h>

#define MAX_PASSWORD 32

static private char stored_password[MAX_PASSWORD] = "correct horse battery staple";

/* Constant-time comparison: the loop does not depend on the secret. The result is private
 * (it is computed from private data). */
static int matches(const private char *secret, const char *guess) {
    char padded[MAX_PASSWORD] = {0};
    strncpy(padded, guess, MAX_PASSWORD - 1);
    int diff = 0;
    for (int i = 0; i < MAX_PASSWORD; i++)
        diff |= secret[i] ^ padded[i];
    return diff == 0;
}

int main(int argc, char **argv) {
    const char *guess = argc > 1 ? argv[1] : "";
    /* The one audited declassification: whether access is granted. */
    int ok = conf_declassify_int(matches(stored_password, guess));
    puts(ok ? "access granted" : "access denied");
#ifdef DEMO_LEAK
    /* A leak: a "hint" that gives away the first letter of the password. confpass rejects
     * the printf and shows how the letter got there. */
    char first = stored_password[0];
    printf("hint: it starts with '%c'\n", first);
#endif
    return ok ? 0 : 1;
}
