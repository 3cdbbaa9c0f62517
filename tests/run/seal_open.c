/* conf_seal + conf_open round trip: for plaintexts of 0 to 65536 private bytes, conf_seal
 * writes n + CONF_SEAL_OVERHEAD bytes that do not contain the plaintext, two seals of the
 * same plaintext differ (fresh nonce), and conf_open restores the exact plaintext into private
 * memory and returns its size; it returns -1 under a different key and when `cap` is smaller
 * than the plaintext. */
// expect-stdout: sealed 7 sizes
// expect-stdout: seal_open ok
#define _GNU_SOURCE /* memmem */
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

static const unsigned char key_bytes[32] = "0123456789abcdef0123456789ABCDEF";

int main(void) {
    private unsigned char *key = conf_malloc(32);
    private unsigned char *other_key = conf_malloc(32);
    CHECK(key != NULL && other_key != NULL && IS_PRIVATE(key));
    memcpy(key, key_bytes, 32);
    memcpy(other_key, key_bytes, 32);
    other_key[31] ^= 1;

    static const size_t sizes[] = {0, 1, 15, 16, 64, 1000, 65536};
    int done = 0;
    for (int k = 0; k < 7; k++) {
        size_t n = sizes[k];
        unsigned char *expected = malloc(n + 1);
        private unsigned char *plain = conf_malloc(n + 1);
        private unsigned char *opened = conf_calloc(n + 1, 1);
        unsigned char *sealed = malloc(n + CONF_SEAL_OVERHEAD);
        unsigned char *sealed2 = malloc(n + CONF_SEAL_OVERHEAD);
        CHECK(expected && plain && opened && sealed && sealed2);
        for (size_t i = 0; i < n; i++) expected[i] = (unsigned char)('a' + i % 26);
        memcpy(plain, expected, n);

        CHECK(conf_seal(sealed, n + CONF_SEAL_OVERHEAD, plain, n, key) == n + CONF_SEAL_OVERHEAD);
        CHECK(conf_seal(sealed2, n + CONF_SEAL_OVERHEAD, plain, n, key) == n + CONF_SEAL_OVERHEAD);
        CHECK(memcmp(sealed, sealed2, n + CONF_SEAL_OVERHEAD) != 0);
        CHECK(memcmp(sealed, sealed2, 12) != 0); /* the nonces differ */
        if (n >= 8) CHECK(memmem(sealed, n + CONF_SEAL_OVERHEAD, expected, 8) == NULL);

        CHECK(conf_open(opened, n, sealed, n + CONF_SEAL_OVERHEAD, key) == (long)n);
        CHECK(conf_declassify_int(memcmp(opened, expected, n)) == 0);
        memset(opened, 0, n + 1);
        CHECK(conf_open(opened, n + 1, sealed2, n + CONF_SEAL_OVERHEAD, key) == (long)n);
        CHECK(conf_declassify_int(memcmp(opened, expected, n)) == 0);

        CHECK(conf_open(opened, n + 1, sealed, n + CONF_SEAL_OVERHEAD, other_key) == -1);
        if (n > 0) CHECK(conf_open(opened, n - 1, sealed, n + CONF_SEAL_OVERHEAD, key) == -1);

        free(expected);
        free(sealed);
        free(sealed2);
        conf_free(plain);
        conf_free(opened);
        done++;
    }
    printf("sealed %d sizes\n", done);
    conf_free(key);
    conf_free(other_key);
    puts("seal_open ok");
    return 0;
}
