/* A corrupted jmp_buf, forged by replay: the shell returns to its error handler with longjmp,
 * through `on_error`, a jmp_buf that sits on the stack right above the token buffer the
 * command is decoded into (from hex input of any length). It also keeps `admin_console`, a
 * jmp_buf saved where the administrator's console starts (it declassifies and shows the root
 * password; a successful `su` jumps there). glibc mangles the stack and instruction pointers
 * in a jmp_buf with a per-process secret, so the attacker cannot forge one, but can replay
 * one: both were saved in the same frame, so admin_console's bytes are a valid on_error. The
 * first command fails; the attacker then sends a 16-byte token followed by admin_console's
 * bytes (assumed leaked: here read in the attacker block), and the next syntax error's
 * longjmp lands in the admin console. The plain build prints the root password. confcc keeps
 * jmp_bufs that are stack locals on the native stack in the private region, and moves the
 * token buffer, a public local written at unknown offsets, to a public frame (the public mirror of the native stack): the
 * overflow runs along the mirror, far from any jmp_buf, and the second syntax error returns to
 * the error handler as it should (no guard fires: the partition alone defeats the attack).
 * The attacker cannot even read admin_console there (a public read of the private region
 * would stop the program), so it sends zeros in its place; had they reached on_error, the
 * longjmp would crash instead of printing the second "syntax error". (A jmp_buf in a global
 * or heap object is public memory: tests/known-leaks/attack_cfi_longjmp_public_jmpbuf.c.)
 * argv[1]: the first command's token, in hex ("rm"). */
// attack-secret: S3CR3T-jmp-4a1e
// run-args: 726d0000000000000000000000000000
// expect-exit: 1
// expect-stdout: syntax error
// expect-stdout: syntax error
// trap-exit: 1
#include <confpass.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

private char root_pw[24] = "S3CR3T-jmp-4a1e";

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

/* Whether an address lies in confpass's private region (see confrt-layout). */
static int in_private_region(const volatile void *p) {
    uintptr_t a = (uintptr_t)p;
    return a >= 0x100000000000UL && a < 0x101000000000UL;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    jmp_buf admin_console;
    jmp_buf on_error;
    char token[16];
    volatile int errors = 0;
    if (setjmp(admin_console)) {
        char shown[24];
        conf_declassify_bytes(shown, root_pw, sizeof shown);
        printf("root password: %.23s\n", shown);
        return 0;
    }
    const char *command = argv[1];
    static char attack[1024];
    if (setjmp(on_error)) {
        puts("syntax error");
        fflush(stdout);
        if (errors++ > 0) return 1;

        /* The attacker: a 16-byte token, filler up to on_error (none in the plain build), then
         * admin_console's bytes where a public read reaches them (zeros otherwise). */
        long gap = (char *)on_error - token;
        if (gap < 16 || gap > 256) gap = 16;
        int readable = !in_private_region(admin_console);
        const volatile unsigned char *raw = (const volatile unsigned char *)admin_console;
        int k = snprintf(attack, sizeof attack, "%s", argv[1]);
        for (long i = 16; i < gap; i++) k += snprintf(attack + k, sizeof attack - (size_t)k, "00");
        for (size_t i = 0; i < sizeof(jmp_buf); i++)
            k += snprintf(attack + k, sizeof attack - (size_t)k, "%02x", readable ? raw[i] : 0);
        command = attack;
    }
    size_t n = strlen(command) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof token */
        token[i] = (char)(hexval(command[2 * i]) << 4 | hexval(command[2 * i + 1]));
    if (strcmp(token, "ls") != 0) longjmp(on_error, 1);
    puts("bin etc home");
    return 0;
}
