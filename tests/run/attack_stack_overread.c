/* A stack over-read: the server's `peek` command copies a window of the request buffer back to
 * the client. It bounds the window's length by the reply buffer but trusts its start, so a
 * negative start reads the stack below the request: main's frame, where the session PIN, copied
 * out of private memory for the login check, sits in a local. The attacker knows where main's
 * frame is (a protected program's native stacks lie at a fixed address in the private region;
 * for the plain build an earlier leak of a stack address is assumed) and asks for the window
 * just below it. Plain clang at -O0 keeps the PIN in main's frame and prints it; confcc keeps
 * the PIN on the native stack in the private region and the request in a public frame, and
 * the copy's public read of the private region stops the program. */
// attack-secret: S3CR3T-stk-91c4
// run-args: 0000 256
// control-flags: -O0
// expect-exit: 86
// expect-stdout: login failed
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char stored_pin[16] = "S3CR3T-stk-91c4";

/* `peek START LEN`: echo LEN bytes of the request from offset START. */
static void serve(const char *request) {
    long start, len;
    char reply[512];
    if (sscanf(request, "peek %ld %ld", &start, &len) != 2 || len < 0 || len > (long)sizeof reply) {
        puts("bad request");
        return;
    }
    memcpy(reply, request + start, (size_t)len); /* BUG: START is never checked */
    fwrite(reply, 1, (size_t)len, stdout);
    putchar('\n');
}

int main(int argc, char **argv) {
    char pin[16];
    char request[64];
    if (argc < 3) return 2;
    memcpy(pin, stored_pin, sizeof pin);
    int ok = conf_declassify_int(strncmp(pin, argv[1], sizeof pin) == 0);
    printf("login %s\n", ok ? "ok" : "failed");
    fflush(stdout);

    /* The attacker: a window of argv[2] bytes ending at main's frame. */
    long len = atol(argv[2]);
    uintptr_t frame = (uintptr_t)__builtin_frame_address(0);
    snprintf(request, sizeof request, "peek %ld %ld", (long)(frame - (uintptr_t)len - (uintptr_t)request), len);
    serve(request);
    return 0;
}
