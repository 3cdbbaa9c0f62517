/* A hijacked function pointer: the session keeps the client's nickname (decoded from hex input
 * of any length) right before the callback it runs at login. A 24-byte nickname overwrites the
 * callback with the address of the admin-only `recovery` command from the command table, whose
 * job is to declassify and print the recovery code. The plain build runs it for a guest and
 * prints the code. confcc's partition cannot see this (the data flow is legitimate, only the
 * control flow is forged): its control-flow integrity stops it. `recovery` declassifies and its
 * address only sits in a constant table, so its KCFI id is its own: the callback's call site,
 * which loads its target from writable memory, expects the id of the signature. The attacker
 * is assumed to know the command's address (from the binary). argv[1]: the nickname's first
 * 16 bytes, in hex. */
// attack-secret: S3CR3T-cfi-2b6d
// run-args: 6d616c6c6f7279000000000000000000
// expect-exit: 86
// expect-stdout: commands: help echo recovery
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef RECOVERY_CODE /* attack_cfi_declassifier_wrapper.c runs this attack with its own */
#define RECOVERY_CODE "S3CR3T-cfi-2b6d"
#endif
private char recovery_code[24] = RECOVERY_CODE;

static void cmd_help(const char *who) { printf("%s: try echo\n", who); }
static void cmd_echo(const char *who) { printf("%s\n", who); }
#ifndef DECLASSIFY_IN_HELPER
/* Admin only: the recovery code is declassified on purpose. */
static void cmd_recovery(const char *who) {
    char shown[24];
    conf_declassify_bytes(shown, recovery_code, sizeof shown);
    printf("recovery code for %s: %.23s\n", who, shown);
}
#else
/* Declassifies the recovery code on purpose (used by the recovery command and the console). */
__attribute__((noinline)) void show_recovery_code(const char *who) {
    char shown[24];
    conf_declassify_bytes(shown, recovery_code, sizeof shown);
    printf("recovery code for %s: %.23s\n", who, shown);
}
/* Admin only. */
static void cmd_recovery(const char *who) {
    printf("recovery requested by %s\n", who);
    show_recovery_code(who);
}
#endif

struct command {
    const char *name;
    int admin_only;
    void (*run)(const char *who);
};
static const struct command commands[] = {{"help", 0, cmd_help}, {"echo", 0, cmd_echo}, {"recovery", 1, cmd_recovery}};

struct session {
    char nick[16];
    void (*on_login)(const char *who);
};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void login(const char *hex_nick) {
    struct session s = {"", cmd_help};
    size_t n = strlen(hex_nick) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof s.nick */
        s.nick[i] = (char)(hexval(hex_nick[2 * i]) << 4 | hexval(hex_nick[2 * i + 1]));
    s.on_login(s.nick);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    printf("commands:");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) printf(" %s", commands[i].name);
    printf("\n");
    fflush(stdout);

    /* The attacker: argv[1], then the address of the recovery command, read from the binary
     * (here: the table's bytes, through volatile reads, so that the program itself never
     * handles the function's address). */
    char hex[128];
    const volatile unsigned char *raw = (const volatile unsigned char *)&commands[2].run;
    unsigned long target = 0;
    for (int i = 0; i < 8; i++) target |= (unsigned long)raw[i] << (8 * i);
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    login(hex);
    return 0;
}
