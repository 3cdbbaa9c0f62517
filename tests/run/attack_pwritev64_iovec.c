#define _FILE_OFFSET_BITS 64
#define _GNU_SOURCE
/* A corrupted iovec under -D_FILE_OFFSET_BITS=64: attack_writev_iovec.c with pwritev, which
 * glibc's headers then call pwritev64. A 32-byte header overwrites the first iovec with
 * {address of the session token, 16}, and pwritev64 would spool the token, kept in conf_malloc
 * memory. confcc checks the iovecs of every name the C library gives these calls (it once
 * knew only pwritev, and this attack leaked under confcc). argv[1]: the header's first 16
 * bytes, in hex. */
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
#include <unistd.h>

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
    /* The reply goes to a spool file at offset 0 (pwritev needs a file), then to stdout. */
    FILE *spool = tmpfile();
    if (!spool) return;
    ssize_t w = pwritev(fileno(spool), r.iov, 2, 0);
    char out[64];
    ssize_t got = w > 0 ? pread(fileno(spool), out, sizeof out, 0) : 0;
    if (got > 0) fwrite(out, 1, (size_t)got, stdout);
    fclose(spool);
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
