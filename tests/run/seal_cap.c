/* conf_seal returns 0 when `cap` is too small for n + CONF_SEAL_OVERHEAD bytes (one byte
 * short, no room at all, a size so large that n + overhead overflows), and succeeds with
 * exactly n + CONF_SEAL_OVERHEAD. */
// expect-stdout: seal_cap ok
#include <confpass.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)

static const unsigned char key_bytes[32] = "yet another key of 32 bytes.....";

int main(void) {
    private unsigned char *key = conf_malloc(32);
    private unsigned char *plain = conf_calloc(100, 1);
    CHECK(key && plain);
    memcpy(key, key_bytes, 32);
    unsigned char out[100 + CONF_SEAL_OVERHEAD];

    CHECK(conf_seal(out, 100 + CONF_SEAL_OVERHEAD - 1, plain, 100, key) == 0);
    CHECK(conf_seal(out, 100, plain, 100, key) == 0);
    CHECK(conf_seal(out, CONF_SEAL_OVERHEAD - 1, plain, 0, key) == 0);
    CHECK(conf_seal(out, 0, plain, 0, key) == 0);
    CHECK(conf_seal(out, SIZE_MAX, plain, SIZE_MAX - 10, key) == 0);
    CHECK(conf_seal(out, sizeof out, plain, 100, key) == 100 + CONF_SEAL_OVERHEAD);
    CHECK(conf_seal(out, CONF_SEAL_OVERHEAD, plain, 0, key) == CONF_SEAL_OVERHEAD);
    conf_free(key);
    conf_free(plain);
    puts("seal_cap ok");
    return 0;
}
