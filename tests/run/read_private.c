/* conf_read_private reads a file straight into private memory (a private heap block and a
 * CONF_PRIVATE_BUFFER): the program writes the file itself, reads it back in pieces, and gets
 * read(2)'s results: the byte counts, the contents, 0 at end of file, -1 with EBADF for a bad
 * descriptor. */
// expect-stdout: read 4096 + 904 + 0 bytes
// expect-stdout: read_private ok
#include <confpass.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

#define SIZE 5000

int main(void) {
    static unsigned char expected[SIZE];
    for (int i = 0; i < SIZE; i++) expected[i] = (unsigned char)(i * 13 + i / 256);
    char path[] = "/tmp/confpass-read-private-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, expected, SIZE) == SIZE);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);

    private unsigned char *heap = conf_malloc(4096);
    CHECK(heap != NULL && IS_PRIVATE(heap));
    long first = conf_read_private(fd, heap, 4096);
    CONF_PRIVATE_BUFFER(unsigned char, rest, 4096);
    CHECK(rest != NULL && IS_PRIVATE(rest));
    long second = conf_read_private(fd, rest, 4096);
    long third = conf_read_private(fd, rest, 4096);
    printf("read %ld + %ld + %ld bytes\n", first, second, third);
    CHECK(first == 4096 && second == SIZE - 4096 && third == 0);
    CHECK(conf_declassify_int(memcmp(heap, expected, 4096)) == 0);
    CHECK(conf_declassify_int(memcmp(rest, expected + 4096, SIZE - 4096)) == 0);
    /* The bytes after the end of the file are untouched (the buffer started zeroed). */
    CHECK(conf_declassify_int(rest[SIZE - 4096]) == 0);

    close(fd);
    unlink(path);
    errno = 0;
    CHECK(conf_read_private(fd, heap, 16) == -1 && errno == EBADF);
    conf_free(heap);
    puts("read_private ok");
    return 0;
}
