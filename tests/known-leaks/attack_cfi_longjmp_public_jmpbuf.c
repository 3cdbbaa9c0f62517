/* A jmp_buf in public memory, corrupted by replay: the shell's context lives on the (public)
 * heap, like the error-recovery contexts of many C libraries (libpng's png_struct, a parser's
 * state), and holds the command's token buffer (decoded from hex input of any length) right
 * before the context's `on_error` jmp_buf. The program also keeps `admin_console`, a global
 * jmp_buf saved where the administrator's console starts (it declassifies and shows the root
 * password; a successful `su` jumps there). glibc mangles the stack and instruction pointers
 * in a jmp_buf, so the attacker cannot forge one, but can replay one: both were saved in
 * main's frame, so admin_console's bytes are a valid on_error. The first command fails; the
 * attacker then sends a 16-byte token followed by admin_console's bytes (assumed leaked: here
 * read in the attacker block; they are public memory in both builds), and the next syntax
 * error's longjmp lands in the admin console. The plain build prints the root password, and
 * so does every confcc build, trap included: only jmp_bufs that are stack locals stay on the
 * native stack (tests/run/attack_cfi_longjmp.c); a jmp_buf in a global or heap object is
 * public memory that a public overflow may rewrite, and longjmp is no return, so the shadow
 * stack never looks at it. A fix could keep a copy of each setjmp's (frame, target) pair in
 * the runtime region and check it at longjmp. The expectations below are those of a fixed
 * confpass. argv[1]: the first command's token, in hex ("rm"). */
// attack-secret: S3CR3T-jmpg-77d0
// run-args: 726d0000000000000000000000000000
// expect-exit: 86
// expect-stdout: syntax error
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char root_pw[24] = "S3CR3T-jmpg-77d0";

static jmp_buf admin_console;

struct shell {
    char token[16];
    jmp_buf on_error;
};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void run(struct shell *sh, const char *command) {
    size_t n = strlen(command) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof sh->token */
        sh->token[i] = (char)(hexval(command[2 * i]) << 4 | hexval(command[2 * i + 1]));
    if (strcmp(sh->token, "ls") != 0) longjmp(sh->on_error, 1);
    puts("bin etc home");
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct shell *sh = calloc(1, sizeof *sh);
    if (!sh) return 1;
    volatile int errors = 0;
    if (setjmp(admin_console)) {
        char shown[24];
        conf_declassify_bytes(shown, root_pw, sizeof shown);
        printf("root password: %.23s\n", shown);
        return 0;
    }
    const char *command = argv[1];
    static char attack[1024];
    if (setjmp(sh->on_error)) {
        puts("syntax error");
        fflush(stdout);
        if (errors++ > 0) return 1;
        /* The attacker: a 16-byte token, then admin_console's bytes. */
        const volatile unsigned char *raw = (const volatile unsigned char *)admin_console;
        int k = snprintf(attack, sizeof attack, "%s", argv[1]);
        for (size_t i = 0; i < sizeof(jmp_buf); i++) k += snprintf(attack + k, sizeof attack - (size_t)k, "%02x", raw[i]);
        command = attack;
    }
    run(sh, command);
    return 0;
}
