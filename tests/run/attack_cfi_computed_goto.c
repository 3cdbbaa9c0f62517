/* A computed goto's target overwritten: a protothread-style task (the style of Contiki's
 * protothreads and of many state machines) keeps its resume point, a label address taken with
 * `&&label`, in the task object next to the client's nickname (decoded from hex input of any
 * length). The step that reads the nickname sets the resume point first; a 24-byte nickname
 * then overwrites it with the address of the admin-only `recovery` command (read from the
 * constant command table through volatile reads, so that the program never handles it), and
 * the next step's `goto *t->resume` jumps there. The plain build prints the recovery code (and
 * crashes when the command returns into garbage). confcc checks every computed goto: the
 * target must be one of the `indirectbr`'s own destinations (compared one by one, or, for a
 * constant dispatch table, a bounds check of the index), so the jump stops with
 * `cfi-indirect-branch`. (Before that check existed, this attack leaked under confcc too:
 * KCFI covers calls and the shadow stack returns, an indirectbr is neither.) argv[1]: the nickname's first 16 bytes,
 * in hex ("mallory"). */
// attack-secret: S3CR3T-goto-5a17
// run-args: 6d616c6c6f7279000000000000000000
// expect-exit: 86
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

private char recovery_code[24] = "S3CR3T-goto-5a17";

static void cmd_help(const char *who) { printf("%s: try echo\n", who); }
/* Admin only: the recovery code is declassified on purpose. */
static void cmd_recovery(const char *who) {
    char shown[24];
    conf_declassify_bytes(shown, recovery_code, sizeof shown);
    printf("recovery code for %s: %.23s\n", who, shown);
    fflush(stdout);
}
struct command {
    const char *name;
    void (*run)(const char *who);
};
static const struct command commands[] = {{"help", cmd_help}, {"recovery", cmd_recovery}};

/* A protothread: the task keeps where its next step resumes. */
struct task {
    char nick[16];
    void *resume;
};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

/* One step of the login task; returns 1 when the task is done. */
__attribute__((noinline)) static int login_step(struct task *t, const char *hex_nick) {
    if (t->resume) goto *t->resume;
    t->resume = &&read_nick;
    return 0;
read_nick:
    t->resume = &&greet;
    for (size_t i = 0, n = strlen(hex_nick) / 2; i < n; i++) /* BUG: N is not checked against sizeof t->nick */
        t->nick[i] = (char)(hexval(hex_nick[2 * i]) << 4 | hexval(hex_nick[2 * i + 1]));
    return 0;
greet:
    printf("hello %.16s\n", t->nick);
    t->resume = NULL;
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct task t = {"", NULL};
    login_step(&t, "");

    /* The attacker: argv[1], then the address of the recovery command, read from the binary
     * (here: the table's bytes, through volatile reads). */
    char hex[128];
    const volatile unsigned char *raw = (const volatile unsigned char *)&commands[1].run;
    unsigned long target = 0;
    for (int i = 0; i < 8; i++) target |= (unsigned long)raw[i] << (8 * i);
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    login_step(&t, hex);
    login_step(&t, hex);
    puts("done");
    return 0;
}
