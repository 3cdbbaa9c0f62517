/* A private pointer stored in public memory, swapped for another private pointer: a profile
 * (public heap) keeps its bio, decoded from hex input of any length, right before its pointer
 * to the display name, private data that `whoami` declassifies and prints on purpose. A
 * 40-byte bio overwrites that pointer with the address of the password, another private block:
 * every access stays inside the private region, and the declassification prints the password
 * in the plain build and in a confcc build that only checks which region an address is in.
 * The attacker is assumed to know the password's address (the private heap lies at a fixed
 * address). argv[1]: the bio's first 32 bytes, in hex. */
// attack-secret: S3CR3T-swp-4411
// run-args: 49206c696b652063617473000000000000000000000000000000000000000000
// expect-exit: 86
// expect-stdout: whoami: alice
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char display_init[16] = "alice";
private char password_init[24] = "S3CR3T-swp-4411";

struct profile {
    char bio[32];
    private char *display_name; /* declassified and shown by whoami */
};

static void whoami(const struct profile *p) {
    char shown[16];
    conf_declassify_bytes(shown, p->display_name, sizeof shown);
    printf("whoami: %.15s\n", shown);
    fflush(stdout);
}

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void set_bio(struct profile *p, const char *hex) {
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof p->bio */
        p->bio[i] = (char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    private char *password = conf_malloc(24);
    struct profile *p = malloc(sizeof *p);
    if (!password || !p) return 1;
    memcpy(password, password_init, sizeof password_init);
    p->display_name = conf_malloc(16);
    if (!p->display_name) return 1;
    memcpy(p->display_name, display_init, sizeof display_init);
    whoami(p);

    /* The attacker: argv[1], then the password's address. */
    char hex[128];
    unsigned long target = (unsigned long)(uintptr_t)password;
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (target >> (8 * i)) & 0xff);
    set_bio(p, hex);
    whoami(p);
    return 0;
}
