/* A corrupted pointer inside a structure handed to libc: the reply is written with writev(2)
 * from an iovec array that follows the client-supplied header in the same struct, and the
 * header is decoded from hex input of any length. A 32-byte header overwrites the first iovec
 * with {address of the session token, 16}: writev sends the token, kept in conf_malloc memory.
 * The pointer the kernel reads is never an argument of the call, only a field of the array
 * it points to; confcc must still stop the program rather than let writev read the private
 * region. The attacker is assumed to know the token's address (the private heap lies at a
 * fixed address). argv[1]: the header's first 16 bytes, in hex. */
// attack-secret: S3CR3T-iov-77e1
// run-args: 582d48656c6c6f3a20776f726c640a00
// expect-exit: 86
// expect-stdout: ready
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

private char token_init[24] = "S3CR3T-iov-77e1";

struct reply {
    char header[16];
    struct iovec iov[2]; /* the header, then the body */
};

static int hexval(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
}

static void send_reply(const char *hex_header, const char *body) {
    struct reply r;
    size_t n = strlen(hex_header) / 2;
    r.iov[0].iov_base = r.header;
    r.iov[0].iov_len = n < sizeof r.header ? n : sizeof r.header;
    r.iov[1].iov_base = (void *)body;
    r.iov[1].iov_len = strlen(body);
    for (size_t i = 0; i < n; i++) /* BUG: N is not checked against sizeof r.header */
        r.header[i] = (char)(hexval(hex_header[2 * i]) << 4 | hexval(hex_header[2 * i + 1]));
    writev(1, r.iov, 2);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    private char *token = conf_malloc(24);
    if (!token) return 1;
    memcpy(token, token_init, sizeof token_init);
    puts("ready");
    fflush(stdout);

    /* The attacker: argv[1], then an iovec {token, 16}. */
    char hex[128];
    unsigned long fields[2] = {(unsigned long)(uintptr_t)token, 16};
    int k = snprintf(hex, sizeof hex, "%s", argv[1]);
    for (int f = 0; f < 2; f++)
        for (int i = 0; i < 8; i++) k += snprintf(hex + k, sizeof hex - (size_t)k, "%02lx", (fields[f] >> (8 * i)) & 0xff);
    send_reply(hex, "\n");
    return 0;
}
