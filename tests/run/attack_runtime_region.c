/* A write into the private region: `patch OFF HEX` writes bytes into the public config blob,
 * and its bounds check `OFF + LEN > size` forgets that OFF is signed. The program's profile
 * record is private and points at the user's display name, which the program declassifies
 * and prints on purpose. The attacker writes, at a negative offset, the address of the admin
 * password over that pointer: the plain build's next `whoami` declassifies and prints the
 * password. In the confcc build the profile lives in the private region, and the patch's
 * public write there stops the program before anything private changes. The attacker is
 * assumed to know the addresses (private globals lie at a fixed address). argv: the length of
 * the patch in bytes. */
// attack-secret: S3CR3T-rt-0a6c
// run-args: 8
// expect-exit: 86
// expect-stdout: whoami: alice
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char display_name[16] = "alice";
private char admin_password[16] = "S3CR3T-rt-0a6c";

struct profile {
    private char *display; /* declassified and shown by `whoami` */
    int uid;
};
private struct profile me = {display_name, 1000};
char config[64] = "color=auto\n";

static void whoami(void) {
    char shown[16];
    conf_declassify_bytes(shown, me.display, sizeof shown);
    printf("whoami: %.15s\n", shown);
    fflush(stdout);
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

/* `patch OFF HEX`: write the decoded bytes at offset OFF of the config blob. */
static void patch(const char *request) {
    char *hex;
    long off = strtol(request + 6, &hex, 10);
    unsigned char bytes[32];
    long len = (long)strlen(++hex) / 2;
    if (strncmp(request, "patch ", 6) != 0 || len > (long)sizeof bytes || off + len > (long)sizeof config) {
        puts("bad patch"); /* BUG: a negative OFF passes */
        return;
    }
    for (long i = 0; i < len; i++) bytes[i] = (unsigned char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
    memcpy(config + off, bytes, (size_t)len);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    whoami();

    /* The attacker: argv[1] bytes of the password's address over the profile's pointer. */
    long len = atol(argv[1]);
    unsigned long target = (unsigned long)(uintptr_t)admin_password;
    char request[128];
    int k = snprintf(request, sizeof request, "patch %ld ", (long)((uintptr_t)&me.display - (uintptr_t)config));
    for (long i = 0; i < len && i < 8; i++) k += snprintf(request + k, sizeof request - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    patch(request);

    whoami();
    return 0;
}
