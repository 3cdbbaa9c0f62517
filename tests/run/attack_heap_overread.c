/* A heap over-read: messages live in public heap buffers and `quote OFF LEN` echoes part of
 * one. The server bounds LEN by its reply buffer but never checks OFF against the message's
 * size, so a quote can start anywhere past the end of the buffer. Plain clang (conf_malloc is
 * libc's malloc there) puts the API key's block right after the message; confcc keeps it in
 * the private heap, where the public read stops the program. The attacker is assumed to know
 * both addresses (the private heap lies at a fixed address; a leaked heap pointer for the
 * rest) and quotes from the key's address. */
// attack-secret: S3CR3T-heap-7f2a
// run-args: 16
// expect-exit: 86
// expect-stdout: stored: hello, world
// expect-stderr-contains: confpass: violation:
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

private char api_key_init[24] = "S3CR3T-heap-7f2a";

struct message {
    size_t size;
    char *text;
};

/* `quote OFF LEN`: echo LEN bytes of the message from offset OFF. */
static void serve(const struct message *m, const char *request) {
    char reply[64];
    char *end;
    size_t off = strtoul(request + 6, &end, 10);
    size_t len = strtoul(end, NULL, 10);
    if (strncmp(request, "quote ", 6) != 0 || len > sizeof reply) {
        puts("bad request");
        return;
    }
    memcpy(reply, m->text + off, len); /* BUG: OFF is not checked against m->size */
    printf("quote: %.*s\n", (int)len, reply);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct message m = {32, malloc(32)};
    private char *api_key = conf_malloc(24);
    if (!m.text || !api_key) return 1;
    memcpy(api_key, api_key_init, sizeof api_key_init);
    snprintf(m.text, m.size, "hello, world");
    printf("stored: %s\n", m.text);
    fflush(stdout);

    /* The attacker: quote argv[1] bytes at the key's address. */
    char request[64];
    snprintf(request, sizeof request, "quote %lu %s", (unsigned long)((uintptr_t)api_key - (uintptr_t)m.text), argv[1]);
    serve(&m, request);
    return 0;
}
