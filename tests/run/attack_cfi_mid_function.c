/* A callback redirected into the middle of a legitimate target: the shell keeps the command's
 * argument (decoded from hex input of any length) right before the handler it runs, and the
 * handler may legitimately be any command of its (writable) command table, including `vault`,
 * which checks that the session is an administrator's and only then declassifies and prints
 * the vault code. Since the program keeps that function's address in writable memory, its
 * entry is a legitimate target of the call (it has the id of its taint signature), and
 * entering there runs the check: a guest gets "permission denied". The attacker aims past the
 * check instead: a 24-byte argument overwrites the handler with the address of the
 * instruction that the check's conditional branch leads to when the session is an
 * administrator's (found by reading the handler's machine code, as an attacker reads the
 * binary; here through volatile reads of the code, with the handler's address read from the
 * command table). The plain build enters there, skips the check, and prints the vault code to
 * a guest (this works because clang -O2 tests the flag before the function's prologue; the
 * attacker's scan is tuned to that code). confcc's KCFI compares the id placed right before a
 * function's entry: an address in the middle of a function has instruction bytes there, not
 * an id, and the call stops with cfi-indirect-call. argv[1]: the command's argument, in hex,
 * 16 bytes ("guest"). */
// attack-secret: S3CR3T-mid-5e0a
// run-args: 67756573740000000000000000000000
// expect-exit: 86
// expect-stdout: vault: permission denied
// expect-stderr-contains: confpass: violation: cfi-indirect-call
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

private char vault_code[24] = "S3CR3T-mid-5e0a";

struct session {
    int uid;
    int is_admin;
    char arg[16];
    void (*handler)(struct session *s);
};

static void cmd_whoami(struct session *s) { printf("you are %.16s\n", s->arg); }

/* Administrators only. */
static void cmd_vault(struct session *s) {
    if (!s->is_admin) {
        puts("vault: permission denied");
        return;
    }
    char shown[24];
    conf_declassify_bytes(shown, vault_code, sizeof shown);
    printf("vault code: %.23s\n", shown);
    fflush(stdout);
}

struct command {
    const char *name;
    void (*run)(struct session *s);
};
static struct command commands[] = {{"whoami", cmd_whoami}, {"vault", cmd_vault}};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

/* Runs NAME with an argument given in hex. */
static void run_command(struct session *s, const char *name, const char *hex_arg) {
    s->handler = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0) s->handler = commands[i].run;
    size_t n = strlen(hex_arg) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof s->arg */
        s->arg[i] = (char)(hexval(hex_arg[2 * i]) << 4 | hexval(hex_arg[2 * i + 1]));
    if (s->handler) s->handler(s);
    fflush(stdout);
}

/* The attacker's scan: the first conditional branch in the code at F. After `je` (jump when
 * the flag is zero, to the refusal) the admin path follows; after `jne` it is the branch's
 * target. Falls back to F + 4 (still the middle of the function). */
static unsigned long past_the_check(unsigned long f) {
    const volatile unsigned char *code = (const volatile unsigned char *)f;
    for (int i = 0; i < 48; i++) {
        if (code[i] == 0x74 || code[i] == 0x75) {
            unsigned long next = f + (unsigned long)i + 2;
            return code[i] == 0x74 ? next : next + (unsigned long)(long)(signed char)code[i + 1];
        }
        if (code[i] == 0x0f && (code[i + 1] == 0x84 || code[i + 1] == 0x85)) {
            unsigned long next = f + (unsigned long)i + 6;
            int32_t rel = (int32_t)((uint32_t)code[i + 2] | (uint32_t)code[i + 3] << 8 | (uint32_t)code[i + 4] << 16 | (uint32_t)code[i + 5] << 24);
            return code[i + 1] == 0x84 ? next : next + (unsigned long)(long)rel;
        }
    }
    return f + 4;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct session guest = {1000, 0, "", NULL};
    run_command(&guest, "vault", "");

    /* The attacker: argv[1], then the address just past vault's permission check. */
    char hex[128];
    const volatile unsigned char *raw = (const volatile unsigned char *)&commands[1].run;
    unsigned long vault = 0;
    for (int i = 0; i < 8; i++) vault |= (unsigned long)raw[i] << (8 * i);
    unsigned long target = past_the_check(vault);
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    run_command(&guest, "whoami", hex);
    return 0;
}
