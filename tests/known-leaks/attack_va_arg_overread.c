/* A variadic over-read: `log_tags` prints N tags (8-character codes packed into a long) passed
 * as variadic arguments, and the server passes the client's count N along with the one tag it
 * has. With a larger N, va_arg reads past the arguments into the caller's stack frame, where the
 * session PIN, copied out of private memory for the login check, sits in a local. Plain clang
 * prints it. In a confcc build main's frame is on the native stack inside the private region,
 * so those va_arg reads are public reads of the private region and must stop the program. No
 * address knowledge is needed. argv: a PIN guess, then the count. */
// attack-secret: S3CR3T-va-1d2e
// run-args: 0000 12
// expect-exit: 86
// expect-stdout: login failed
// expect-stdout: tags: hello
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char stored_pin[16] __attribute__((aligned(8))) = "S3CR3T-va-1d2e";

static long tag(const char *s) {
    long v = 0;
    memcpy(&v, s, strnlen(s, sizeof v));
    return v;
}

static void log_tags(int n, ...) {
    va_list ap;
    va_start(ap, n);
    fputs("tags: ", stdout);
    for (int i = 0; i < n; i++) { /* BUG: N comes from the client, not from the caller's tags */
        long v = va_arg(ap, long);
        fwrite(&v, 1, strnlen((const char *)&v, sizeof v), stdout);
    }
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

int main(int argc, char **argv) {
    /* Two words, used only at constant offsets and never passed on: a local that stays on the
     * native stack (an escaping one would live in private data, out of va_arg's reach). */
    volatile long pin[2];
    if (argc < 3) return 2;
    long guess[2] = {0, 0};
    memcpy(guess, argv[1], strnlen(argv[1], sizeof guess));
    pin[0] = ((const private long *)stored_pin)[0];
    pin[1] = ((const private long *)stored_pin)[1];
    int ok = conf_declassify_int(pin[0] == guess[0] && pin[1] == guess[1]);
    printf("login %s\n", ok ? "ok" : "failed");
    log_tags(1, tag("hello"));
    log_tags(atoi(argv[2]), tag("bye"));
    return 0;
}
