/* An attacker-sized memcpy: `tail N` copies the last N bytes of the public journal into the
 * reply and prints it. N is never checked against the journal's length, so a large N makes
 * the copy start before the journal: in the plain build at the private global the linker put
 * right before it, the database password. In the confcc build the password lives in the
 * private region, far below the journal; the copy's source range reaches into it and the
 * program stops. The attacker is assumed to know both addresses and sizes N to start at the
 * password. argv[1] is an ordinary request first. */
// attack-secret: S3CR3T-size-6b3f
// run-args: 5
// expect-exit: 86
// expect-stdout: tail: ready
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char db_password[32] = "S3CR3T-size-6b3f";
char journal[64];
size_t used;

static void serve(const char *request) {
    char reply[512];
    size_t n = strtoul(request, NULL, 10);
    memcpy(reply, journal + used - n, n); /* BUG: N is not checked against `used` */
    printf("tail: %.*s\n", (int)n, reply);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    used = (size_t)snprintf(journal, sizeof journal, "boot; ready");
    serve(argv[1]);

    /* The attacker: N such that the copy starts at the password. */
    char request[32];
    snprintf(request, sizeof request, "%lu", (unsigned long)((uintptr_t)journal + used - (uintptr_t)db_password));
    serve(request);
    return 0;
}
