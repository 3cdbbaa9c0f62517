/* conf_open rejects tampered input: a sealed 32-byte message is nonce (12) || ciphertext (32)
 * || tag (16); flipping any single bit of it, in the nonce, in the ciphertext or in the tag,
 * makes conf_open return -1, and so do a truncated message, a message with a byte appended and
 * one shorter than CONF_SEAL_OVERHEAD. The untouched message still opens. */
// expect-stdout: nonce: 96 of 96 flips rejected
// expect-stdout: ciphertext: 256 of 256 flips rejected
// expect-stdout: tag: 128 of 128 flips rejected
// expect-stdout: seal_tamper ok
#include <confpass.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)

#define N 32
#define SEALED (N + CONF_SEAL_OVERHEAD)

static const unsigned char key_bytes[32] = "an example key of 32 bytes......";

/* Flips each bit of sealed[from, to) in turn and counts how often conf_open rejects it. */
static int rejected(unsigned char *sealed, int from, int to, private unsigned char *out,
                    const private unsigned char *key) {
    int count = 0;
    for (int byte = from; byte < to; byte++) {
        for (int bit = 0; bit < 8; bit++) {
            sealed[byte] ^= (unsigned char)(1u << bit);
            count += conf_open(out, N, sealed, SEALED, key) == -1;
            sealed[byte] ^= (unsigned char)(1u << bit);
        }
    }
    return count;
}

int main(void) {
    private unsigned char *key = conf_malloc(32);
    private unsigned char *plain = conf_malloc(N);
    private unsigned char *out = conf_malloc(N + 1);
    CHECK(key && plain && out);
    memcpy(key, key_bytes, 32);
    memcpy(plain, "thirty-two bytes of private text", N);
    unsigned char sealed[SEALED + 1];
    CHECK(conf_seal(sealed, sizeof sealed, plain, N, key) == SEALED);

    printf("nonce: %d of 96 flips rejected\n", rejected(sealed, 0, 12, out, key));
    printf("ciphertext: %d of 256 flips rejected\n", rejected(sealed, 12, 12 + N, out, key));
    printf("tag: %d of 128 flips rejected\n", rejected(sealed, 12 + N, SEALED, out, key));

    CHECK(conf_open(out, N, sealed, SEALED - 1, key) == -1);
    sealed[SEALED] = 0;
    CHECK(conf_open(out, N + 1, sealed, SEALED + 1, key) == -1);
    CHECK(conf_open(out, N, sealed, CONF_SEAL_OVERHEAD - 1, key) == -1);
    CHECK(conf_open(out, N, sealed, 0, key) == -1);

    CHECK(conf_open(out, N, sealed, SEALED, key) == N);
    CHECK(conf_declassify_int(memcmp(out, "thirty-two bytes of private text", N)) == 0);
    conf_free(key);
    conf_free(plain);
    conf_free(out);
    puts("seal_tamper ok");
    return 0;
}
