/* A return address overwritten through an overflow of a *private* stack buffer: the PIN check
 * works in one 32-byte buffer, the client's response (decoded from hex input; its length is
 * checked against the decoding buffer but not against the 16 bytes left for it) followed by
 * the stored PIN. A long response runs past the buffer, over the saved registers and the
 * return address, with words of the attacker's choosing: 14 addresses of `audit_none` (an
 * empty hook, a lone `ret` in the plain build: a gadget that only moves the stack by 8, so
 * that whatever word holds the return address, the last function is entered with the stack
 * aligned as after a call), then the address of `cmd_dump_pins`, the administrator's command,
 * which declassifies and prints the PIN. The attacker is assumed to know both addresses (from
 * the binary; here they are read from the constant command and hook tables through volatile
 * reads, so that the program never handles them). The plain build returns from the check
 * into the gadgets and then into cmd_dump_pins, which prints the PIN to a guest (and crashes
 * afterwards). This test builds in mode `cfi` (no memory guards; in the default mode the
 * buffer lives in private data, out of reach of the return address:
 * attack_return_overwrite_layout.c). confcc keeps the buffer, which holds the PIN, on the
 * native stack in the private region; when the check returns, the return address in its
 * frame differs from the shadow stack's copy and the program stops with cfi-return. (The response comes first in
 * the buffer so that the variable-length copy covers the whole buffer: with the PIN first,
 * clang -O2 splits the buffer in two and confcc moves the response's half, public, to a
 * public frame, where the overflow meets no return address.) argv[1]: the response, in hex. */
// attack-secret: S3CR3T-ret-9d27
// run-args: 30303030303030303030303030303030
// expect-exit: 86
// expect-stdout: pin: wrong
// expect-stdout: status: up
// expect-stderr-contains: confpass: violation: cfi-return
// confcc-flags: -mllvm -confpass-mode=cfi
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

private char stored_pin[16] = "S3CR3T-ret-9d27";

static void audit_none(const char *event) { (void)event; }
static void audit_stderr(const char *event) { fprintf(stderr, "audit: %s\n", event); }
static void (*const audit_hooks[])(const char *event) = {audit_none, audit_stderr};

static void cmd_status(void) { puts("status: up"); }
/* Administrators only (the dispatcher checks). */
static void cmd_dump_pins(void) {
    char shown[16];
    conf_declassify_bytes(shown, stored_pin, sizeof shown);
    printf("stored pin: %.15s\n", shown);
    fflush(stdout);
}
struct command {
    const char *name;
    int admin_only;
    void (*run)(void);
};
static const struct command commands[] = {{"status", 0, cmd_status}, {"dump-pins", 1, cmd_dump_pins}};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

/* Compares the response with the stored PIN in one buffer: response, then PIN. */
__attribute__((noinline)) static int check_pin(const char *response, size_t n) {
    char work[32];
    memcpy(work, response, n); /* BUG: N is not checked against the response's 16 bytes */
    for (int i = 0; i < 16; i++) work[16 + i] = stored_pin[i];
    int diff = 0;
    for (int i = 0; i < 16; i++) diff |= work[i] ^ work[16 + i];
    return conf_declassify_int(diff == 0);
}

/* Decodes a response given in hex; returns its length. */
static size_t decode(char *out, size_t cap, const char *hex) {
    size_t n = 0;
    for (; n < cap && hex[2 * n] && hex[2 * n + 1]; n++) out[n] = (char)(hexval(hex[2 * n]) << 4 | hexval(hex[2 * n + 1]));
    return n;
}

static void run(const char *name, int admin) {
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0 && (admin || !commands[i].admin_only)) commands[i].run();
}

static unsigned long read_address(const volatile void *slot) {
    const volatile unsigned char *raw = slot;
    unsigned long a = 0;
    for (int i = 0; i < 8; i++) a |= (unsigned long)raw[i] << (8 * i);
    return a;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    char response[256];
    int admin = check_pin(response, decode(response, sizeof response, argv[1]));
    printf("pin: %s\n", admin ? "ok" : "wrong");
    fflush(stdout);
    run("status", admin);
    audit_hooks[argc > 2](argv[0]);
    fflush(stdout);

    /* The attacker: argv[1], 16 bytes for the PIN's half, then 15 words (the buffer is 16-byte aligned, so the last one is
     * entered with the stack as after a call): 14 gadgets, then cmd_dump_pins. */
    char hex[512];
    unsigned long gadget = read_address(&audit_hooks[0]);
    unsigned long dump = read_address(&commands[1].run);
    int k = snprintf(hex, sizeof hex, "%s%032x", argv[1], 0);
    for (int w = 0; w < 15; w++) {
        unsigned long word = w < 14 ? gadget : dump;
        for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (word >> (8 * i)) & 0xff);
    }
    admin = check_pin(response, decode(response, sizeof response, hex));
    printf("pin: %s\n", admin ? "ok" : "wrong");
    run("dump-pins", admin);
    return 0;
}
