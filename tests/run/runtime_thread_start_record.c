/* A new thread's start record (its routine, argument and native stack) was kept by the runtime
 * in libc's heap until the thread read it: a heap overflow of a block allocated right before
 * pthread_create rewrote the routine with a declassifying command, which the new thread ran
 * (found by a review on 2026-12-08; the code before the fix printed the recovery code). The
 * record now lives in the runtime region; the overflow changes nothing the runtime reads.
 * No negative control: a plain build has no such record. */
// run-args: 6d616c6c00000000000000000000000000000000000000000000000000000000
// expect-stdout: worker ran
// expect-stdout: joined, label mall
#include <confpass.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

private char recovery_code[24] = "S3CR3T-thread-box-5";

static void *worker(void *arg) { (void)arg; puts("worker ran"); return 0; }
static void *cmd_recovery(void *arg) {                /* admin only */
    (void)arg;
    static char shown[24];
    conf_declassify_bytes(shown, recovery_code, sizeof shown);
    write(1, "recovery code: ", 15); write(1, shown, strlen(shown)); write(1, "\n", 1);
    _exit(0);
}
struct command { const char *name; void *(*run)(void *); };
static const struct command commands[] = {{"work", worker}, {"recovery", cmd_recovery}};

struct settings { char label[32]; };
static int hexval(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0; }

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct settings *s = malloc(sizeof *s);
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL)) return 1;
    /* the attacker: label (argv[1], 32 bytes), the next chunk's size field (0x31), then the routine */
    char hex[256];
    const volatile unsigned char *raw = (const volatile unsigned char *)&commands[1].run;
    unsigned long target = 0;
    for (int i = 0; i < 8; i++) target |= (unsigned long)raw[i] << (8 * i);
    unsigned long words[3] = {0, 0x31, target};
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int w = 0; w < 3; w++)
        for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (words[w] >> (8 * i)) & 0xff);
    for (size_t i = 0, n = strlen(hex) / 2; i < n; i++) /* BUG: not checked against sizeof label */
        s->label[i] = (char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    pthread_join(t, NULL);
    printf("joined, label %.4s\n", s->label);
    return 0;
}
