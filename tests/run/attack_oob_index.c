/* An out-of-bounds index into a public global array: `motd N` prints message N of a table of
 * fixed-size strings, and the check `N >= count` forgets that N is signed. A negative index
 * reaches the globals before the table: in the plain build the root password, a private
 * global that the linker put right there; in the confcc build the private globals live in
 * the private region, far below the table, and the public read stops the program. The
 * attacker knows the addresses (the private region is fixed; the program's own addresses come
 * from its binary and a leak) and computes the index. argv[1] is an ordinary request first. */
// attack-secret: S3CR3T-oob-4e19
// run-args: 1
// expect-exit: 86
// expect-stdout: motd 1: back at 9
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

private char root_password[16] __attribute__((aligned(16))) = "S3CR3T-oob-4e19";
char motd[4][16] __attribute__((aligned(16))) = {"welcome", "back at 9", "closed today", "new prices"};

static void serve(const char *request) {
    long n = strtol(request, NULL, 10);
    if (n >= 4) { /* BUG: a negative N passes */
        puts("no such message");
        return;
    }
    printf("motd %ld: %s\n", n, motd[n]);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    serve(argv[1]);

    /* The attacker: the index of the root password, counted in table entries. */
    char request[32];
    snprintf(request, sizeof request, "%ld", ((long)(uintptr_t)root_password - (long)(uintptr_t)motd) / 16);
    serve(request);
    return 0;
}
