/* A heap object's callback redirected at a libc function: a key-rotation job, allocated on the
 * (public) heap, carries a caller-supplied tag (decoded from hex input of any length) right
 * before its completion hook `void done(private char *key, size_t len)`, which the job calls
 * with the freshly loaded key, in private memory, to let the owner check it. A 24-byte tag
 * overwrites the hook with the address of libc's `puts`, which the program never uses through
 * a pointer (the attacker finds it with dlsym, as an attacker resolves a libc symbol from the
 * library's known layout). The plain build calls puts(key) and the key appears on stdout.
 * confcc: the program never takes puts's address, so puts is no indirect-call target (it has
 * no KCFI id, and no confpass stub stands for it), and the hook's call stops with
 * cfi-indirect-call. argv[1]: the tag's first 16 bytes, in hex ("nightly"). */
// attack-secret: S3CR3T-libc-0f5b
// run-args: 6e696768746c79000000000000000000
// expect-exit: 86
// expect-stdout: rotation 1: key ok
// expect-stderr-contains: confpass: violation: cfi-indirect-call
#define _GNU_SOURCE
#include <confpass.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char key_file[24] = "S3CR3T-libc-0f5b";

struct rotation {
    char tag[16];
    void (*done)(private char *key, size_t len);
    int ok;
};
static struct rotation *current;

/* The owner's hook: checks the key's format (16 printable characters). */
static void check_key(private char *key, size_t len) {
    int bad = 0;
    for (size_t i = 0; i < len; i++) bad |= key[i] < 0x21 || key[i] > 0x7e;
    current->ok = conf_declassify_int(bad == 0);
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void rotate(int round, const char *hex_tag) {
    struct rotation *job = malloc(sizeof *job);
    if (!job) exit(1);
    job->done = check_key;
    job->ok = 0;
    size_t n = strlen(hex_tag) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof job->tag */
        job->tag[i] = (char)(hexval(hex_tag[2 * i]) << 4 | hexval(hex_tag[2 * i + 1]));
    current = job;
    CONF_PRIVATE_BUFFER(char, key, 17);
    if (!key) exit(1);
    for (int i = 0; i < 16; i++) key[i] = key_file[i];
    job->done(key, 16);
    printf("rotation %d: key %s\n", round, job->ok ? "ok" : "rejected");
    fflush(stdout);
    free(job);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    rotate(1, argv[1]);

    /* The attacker: argv[1], then the address of libc's puts. */
    char hex[128];
    unsigned long target = (unsigned long)(uintptr_t)dlsym(RTLD_DEFAULT, "puts");
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    rotate(2, hex);
    return 0;
}
