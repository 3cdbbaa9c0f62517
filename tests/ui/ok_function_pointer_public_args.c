/* Indirect calls are fine when every argument is public and the target is not chosen by
 * private data: a logging callback called with a constant message and a public count. */
#include <stdio.h>
#include <confpass.h>

private char password[32];

static void log_to_stdout(const char *msg, int n) {
    printf("%s (%d)\n", msg, n);
}

void (*logger)(const char *, int) = log_to_stdout;

void wipe_password(int attempts) {
    for (int i = 0; i < 32; i++)
        password[i] = 0;
    logger("password wiped", attempts);
}
