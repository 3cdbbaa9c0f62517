/* A computed goto with many destinations: the protothread-style task of
 * attack_cfi_computed_goto.c with sixteen more states, so that its `indirectbr` has more than
 * sixteen destinations. Its resume point (a label address in the task object, next to the
 * client's nickname) is overwritten by a 24-byte nickname with the address of the admin-only
 * `recovery` command. The plain build prints the recovery code. confcc compares the target
 * with every destination, however many (it once left an `indirectbr` with more than sixteen
 * unchecked, and this attack leaked under confcc). argv[1]: the nickname's first 16 bytes, in
 * hex ("mallory"). */
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
    int count;
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
    if (t->count < 0) goto st0;
    if (0) {
/* Sixteen more states, each a label whose address the next step resumes at. */
#define STATE(n, next) \
    st##n : t->resume = &&st##next; \
    t->count += n; \
    return 0;
        STATE(0, 1)
        STATE(1, 2)
        STATE(2, 3)
        STATE(3, 4)
        STATE(4, 5)
        STATE(5, 6)
        STATE(6, 7)
        STATE(7, 8)
        STATE(8, 9)
        STATE(9, 10)
        STATE(10, 11)
        STATE(11, 12)
        STATE(12, 13)
        STATE(13, 14)
        STATE(14, 15)
        STATE(15, 0)
#undef STATE
    }
greet:
    printf("hello %.16s\n", t->nick);
    t->resume = NULL;
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct task t = {"", NULL, 0};
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
