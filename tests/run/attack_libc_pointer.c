/* A corrupted pointer handed to libc instead of dereferenced by compiled code: a file viewer
 * keeps a cursor into the public document, `seek DELTA` moves it by any amount (the check
 * that it stays inside the document is missing) and `read N` passes it straight to
 * write(2). The attacker seeks to the session secret, kept in a CONF_PRIVATE_BUFFER (private
 * heap; plain calloc in the plain build), and the plain build writes it to stdout. confcc
 * checks the buffer range of the write call, finds it inside the private region and stops
 * the program. The attacker is assumed to know both addresses. argv[1]: the read length. */
// attack-secret: S3CR3T-libc-3c88
// run-args: 16
// expect-exit: 86
// expect-stdout: # Release notes
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

private char session_secret_init[24] = "S3CR3T-libc-3c88";

struct viewer {
    const char *doc;
    const char *cursor;
};

static void command(struct viewer *v, const char *request) {
    if (strncmp(request, "seek ", 5) == 0) {
        v->cursor += strtol(request + 5, NULL, 10); /* BUG: the cursor may leave the document */
    } else if (strncmp(request, "read ", 5) == 0) {
        size_t n = strtoul(request + 5, NULL, 10);
        write(1, v->cursor, n);
        write(1, "\n", 1);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    CONF_PRIVATE_BUFFER(char, secret, 24);
    char *doc = malloc(256);
    if (!secret || !doc) return 1;
    memcpy(secret, session_secret_init, sizeof session_secret_init);
    snprintf(doc, 256, "# Release notes\n\nversion 2.1 fixes the viewer.\n");
    struct viewer v = {doc, doc};
    command(&v, "read 15");

    /* The attacker: seek to the secret, then read argv[1] bytes. */
    char request[64];
    snprintf(request, sizeof request, "seek %ld", (long)((uintptr_t)secret - (uintptr_t)v.cursor));
    command(&v, request);
    snprintf(request, sizeof request, "read %s", argv[1]);
    command(&v, request);
    free(doc);
    return 0;
}
