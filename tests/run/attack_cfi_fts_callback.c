/* The same corrupted callback as attack_cfi_libc_callback.c, handed to fts_open as its
 * comparator (a listing of a directory tree sorted by a per-client order): fts calls it, with no
 * KCFI check of its own. The plain build prints the recovery code; confcc checks the comparator
 * before the call into fts_open (cfi-library-callback). Found by a review on 2026-12-08, when
 * fts_open was missing from the table of callback-taking functions. argv[1]: the label's first
 * 16 bytes in hex. */
// attack-secret: S3CR3T-fts-cb-17
// run-args: 6d616c6c6f7279000000000000000000
// expect-exit: 86
// expect-stderr-contains: confpass: violation: cfi-library-callback
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fts.h>

private char recovery_code[24] = "S3CR3T-fts-cb-17";

static int by_value(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static void cmd_help(const char *who) { printf("%s: try sort\n", who); }
static void cmd_recovery(const char *who) {           /* admin only */
    char shown[24];
    conf_declassify_bytes(shown, recovery_code, sizeof shown);
    printf("recovery code: %.23s\n", shown);
    fflush(stdout);
    exit(0);
}
struct command { const char *name; void (*run)(const char *who); };
static const struct command commands[] = {{"help", cmd_help}, {"recovery", cmd_recovery}};

struct settings { char label[16]; int (*cmp)(const void *, const void *); };

static int hexval(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0; }

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct settings *s = malloc(sizeof *s);
    s->cmp = by_value;
    char hex[128];
    const volatile unsigned char *raw = (const volatile unsigned char *)&commands[1].run;
    unsigned long target = 0;
    for (int i = 0; i < 8; i++) target |= (unsigned long)raw[i] << (8 * i);
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    for (size_t i = 0, n = strlen(hex) / 2; i < n; i++) /* BUG: not checked against sizeof label */
        s->label[i] = (char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    int v[4] = {3, 1, 2, 0};
    char *paths[] = {"/tmp", "/", "/usr", NULL};
    FTS *f = fts_open(paths, FTS_NOCHDIR | FTS_PHYSICAL, (int (*)(const FTSENT **, const FTSENT **))s->cmp);
    if (f) fts_close(f);
    printf("%s: %d %d %d %d\n", "sorted", v[0], v[1], v[2], v[3]);
    cmd_help("x");
    return 0;
}
