/* A format-string bug without a non-literal format (confcc rejects those): the client sets
 * its own greeting template, whose `{N}` placeholders select the N-th field of the session
 * to print with printf("%s", ...), and N is never checked. The field after the last one is
 * the session's pointer to its API key (private memory), so `{3}` makes printf print the
 * key in the plain build. confcc finds that the pointer printf gets is aimed at the private
 * region and stops the program. No address knowledge is needed. argv: an ordinary template,
 * then the malicious one. */
// attack-secret: S3CR3T-fmt-19ab
// run-args: {0}@{1} {3}
// expect-exit: 86
// expect-stdout: alice@example.org
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdio.h>
#include <string.h>

private char api_key_init[24] = "S3CR3T-fmt-19ab";

struct session {
    const char *fields[3]; /* {0} user, {1} host, {2} login time */
    private char *api_key; /* signs the session's requests */
};

static void render(const char *template, const struct session *s) {
    for (const char *p = template; *p; p++) {
        if (p[0] == '{' && p[1] >= '0' && p[1] <= '9' && p[2] == '}') {
            printf("%s", s->fields[p[1] - '0']); /* BUG: N is not checked against 3 */
            p += 2;
        } else {
            putchar(*p);
        }
    }
    putchar('\n');
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    struct session s = {{"alice", "example.org", "09:00"}, conf_malloc(24)};
    if (!s.api_key) return 1;
    memcpy(s.api_key, api_key_init, sizeof api_key_init);
    render(argv[1], &s);
    render(argv[2], &s);
    return 0;
}
