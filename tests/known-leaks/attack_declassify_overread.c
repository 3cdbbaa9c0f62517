/* An over-read inside the private region that comes out through a declassification: the
 * nickname is private data the program shows on purpose, and `preview N` declassifies its first
 * N bytes with N checked against the reply buffer but not against the nickname's 16. The
 * password's block, allocated next, follows the nickname's: the plain build prints it, and so
 * does a confcc build whose guards only check that the source range is private. The
 * declassification must not copy beyond the private object it starts in. No address knowledge
 * is needed. argv[1]: N. */
// attack-secret: S3CR3T-decl-90f3
// run-args: 64
// expect-exit: 86
// expect-stdout: preview: alice
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char nickname_init[16] = "alice";
private char password_init[16] = "S3CR3T-decl-90f3";

static void preview(const private char *nickname, const char *request) {
    char out[64];
    size_t n = strtoul(request, NULL, 10);
    if (n > sizeof out) { /* BUG: N is not checked against the nickname's size */
        puts("too long");
        return;
    }
    conf_declassify_bytes(out, nickname, n);
    for (size_t i = 0; i < n; i++)
        if (out[i] == 0) out[i] = ' ';
    printf("preview: %.*s\n", (int)n, out);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    private char *nickname = conf_malloc(16);
    private char *password = conf_malloc(16);
    if (!nickname || !password) return 1;
    memcpy(nickname, nickname_init, 16);
    memcpy(password, password_init, 16);
    preview(nickname, "5");
    preview(nickname, argv[1]);
    return 0;
}
