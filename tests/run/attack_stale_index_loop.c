/* A loop with an attacker-controlled bound: `replay FROM` sends the chat history from the
 * client's bookmark FROM to its end, copying it through a small output buffer. The server only
 * checks that FROM is not past the end, so a negative bookmark starts the loop before the
 * history: in the plain build in the private global the linker put right before it, the
 * room's invite code. In the confcc build the code lives in the private region, far below;
 * the loop's first public read there stops the program. The attacker is assumed to know the
 * addresses and sends the bookmark of the code. argv[1] is an ordinary bookmark first. */
// attack-secret: S3CR3T-loop-e5a0
// run-args: 13
// expect-exit: 86
// expect-stdout: bob: hi
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

private char invite_code[32] = "S3CR3T-loop-e5a0";
char history[256];
long history_len;

static void replay(const char *request) {
    char out[16];
    size_t k = 0;
    long from = strtol(request, NULL, 10);
    if (from >= history_len) { /* BUG: a negative bookmark passes */
        puts("nothing new");
        return;
    }
    for (long i = from; i < history_len; i++) {
        if (history[i] == 0) continue;
        out[k++] = history[i];
        if (k == sizeof out) {
            fwrite(out, 1, k, stdout);
            k = 0;
        }
    }
    fwrite(out, 1, k, stdout);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    history_len = snprintf(history, sizeof history, "alice: hello\nbob: hi\n");
    replay(argv[1]);

    /* The attacker: the bookmark of the invite code. */
    char request[32];
    snprintf(request, sizeof request, "%ld", (long)((uintptr_t)invite_code - (uintptr_t)history));
    replay(request);
    return 0;
}
