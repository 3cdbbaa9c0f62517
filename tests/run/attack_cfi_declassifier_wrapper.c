/* A callback hijacked to a command that declassifies through a helper: the same attack as
 * tests/run/attack_fnptr_hijack.c (the session's nickname, decoded from hex input of any
 * length, overflows into its login callback, and the attacker aims the callback at the
 * admin-only `recovery` command from the constant command table), except that the command does
 * not call conf_declassify_bytes itself: it logs the request and calls a shared helper,
 * `show_recovery_code`, that declassifies and prints the code (noinline here stands for a
 * helper in another file or one too big to inline). The plain build prints the code to a guest.
 * confcc counts a function as declassifying when it, or anything it calls directly in the
 * same file (transitively), declassifies: the command gets a KCFI id of its own and the
 * hijacked callback stops with `cfi-indirect-call`. (A helper in another file is not seen:
 * a known limit.) argv[1]: the nickname's first 16 bytes, in hex ("mallory"). */
// attack-secret: S3CR3T-wrp-6e21
// run-args: 6d616c6c6f7279000000000000000000
// expect-exit: 86
// expect-stdout: commands: help echo recovery
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

private char recovery_code[24] = "S3CR3T-wrp-6e21";

static void cmd_help(const char *who) { printf("%s: try echo\n", who); }
static void cmd_echo(const char *who) { printf("%s\n", who); }
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
     * (here: the table's bytes, through volatile reads). */
    char hex[128];
    const volatile unsigned char *raw = (const volatile unsigned char *)&commands[2].run;
    unsigned long target = 0;
    for (int i = 0; i < 8; i++) target |= (unsigned long)raw[i] << (8 * i);
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    login(hex);
    return 0;
}
