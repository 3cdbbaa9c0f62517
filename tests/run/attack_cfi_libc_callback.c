/* A function pointer in public memory handed to the C library: the sort order of a listing
 * is a comparator kept in a per-client settings object next to a client-supplied label (hex
 * input of any length). A 24-byte label overwrites the comparator with the address of the
 * admin-only recovery command; qsort (libc, not compiled by confcc) calls it, and KCFI covers
 * only the calls compiled code makes. The plain build prints the recovery code. confcc checks
 * the comparator before the call into qsort: the recovery command declassifies and its
 * address stays in a constant table, so it has an id of its own, not the public signature's
 * that a callback must have (cfi-library-callback). Found by a review on 2026-12-07 and kept
 * as a known leak until the check came. argv[1]: the label's first 16 bytes in hex. */
// attack-secret: S3CR3T-qsort-cb-91
// run-args: 6d616c6c6f7279000000000000000000
// expect-exit: 86
// expect-stderr-contains: confpass: violation: cfi-library-callback
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char recovery_code[24] = "S3CR3T-qsort-cb-91";

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
    qsort(v, 4, sizeof v[0], s->cmp);
    printf("%s: %d %d %d %d\n", "sorted", v[0], v[1], v[2], v[3]);
    cmd_help("x");
    return 0;
}
