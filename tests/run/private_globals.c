/* Private globals live in the private region: an initialised and a zero-initialised private
 * global (and a static one inside a function) are at addresses inside 0x100000000000..
 * 0x101000000000, start with their initial values (copied in at start-up), keep what the
 * program writes, and serve as the key of conf_seal/conf_open and as the buffer of
 * conf_read_private, which both require private memory. */
// expect-stdout: initial: open sesame
// expect-stdout: private_globals ok
#include <confpass.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

private char phrase[16] = "open sesame";
private unsigned char key[32] = "a private key in a global.......";
private int counters[1024];
private long big_zeroed[1 << 16];

static int bump(void) {
    static private int calls = 100;
    CHECK(IS_PRIVATE(&calls));
    calls++;
    return conf_declassify_int(calls);
}

int main(void) {
    CHECK(IS_PRIVATE(phrase) && IS_PRIVATE(phrase + 15));
    CHECK(IS_PRIVATE(key) && IS_PRIVATE(counters) && IS_PRIVATE(big_zeroed + (1 << 16) - 1));
    char shown[16];
    conf_declassify_bytes(shown, phrase, sizeof shown);
    printf("initial: %s\n", shown);
    for (int i = 0; i < 1024; i++) CHECK(conf_declassify_int(counters[i]) == 0);
    for (int i = 0; i < 1 << 16; i++) CHECK(conf_declassify_long(big_zeroed[i]) == 0);
    for (int i = 0; i < 1024; i++) counters[i] = i;
    long sum = 0;
    for (int i = 0; i < 1024; i++) sum += counters[i];
    CHECK(conf_declassify_long(sum) == 1023 * 1024 / 2);
    CHECK(bump() == 101 && bump() == 102);

    /* conf_read_private into a private global. */
    char path[] = "/tmp/confpass-globals-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, "from a file", 11) == 11 && lseek(fd, 0, SEEK_SET) == 0);
    CHECK(conf_read_private(fd, phrase, 11) == 11);
    close(fd);
    unlink(path);
    CHECK(conf_declassify_int(memcmp(phrase, "from a file", 11)) == 0);

    /* A private global as the key of a seal/open round trip. */
    unsigned char sealed[11 + CONF_SEAL_OVERHEAD];
    CHECK(conf_seal(sealed, sizeof sealed, phrase, 11, key) == sizeof sealed);
    memset(phrase, 0, sizeof phrase);
    CHECK(conf_open(phrase, sizeof phrase, sealed, sizeof sealed, key) == 11);
    CHECK(conf_declassify_int(memcmp(phrase, "from a file", 11)) == 0);
    puts("private_globals ok");
    return 0;
}
