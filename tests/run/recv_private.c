/* conf_recv_private receives from a socket straight into private memory: over a socketpair
 * (AF_UNIX, SOCK_STREAM) it returns recv(2)'s byte counts and contents, honours its flags
 * (MSG_PEEK leaves the data queued, MSG_DONTWAIT on an empty socket fails with EAGAIN), and
 * returns 0 once the peer has closed. */
// expect-stdout: peeked 11, received 11 + 5
// expect-stdout: recv_private ok
#include <confpass.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

int main(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    private char *buf = conf_calloc(64, 1);
    CHECK(buf != NULL && IS_PRIVATE(buf));

    errno = 0;
    CHECK(conf_recv_private(sv[1], buf, 64, MSG_DONTWAIT) == -1 && (errno == EAGAIN || errno == EWOULDBLOCK));

    CHECK(send(sv[0], "hello world", 11, 0) == 11);
    long peeked = conf_recv_private(sv[1], buf, 64, MSG_PEEK);
    CHECK(conf_declassify_int(memcmp(buf, "hello world", 11)) == 0);
    memset(buf, 0, 64);
    long got = conf_recv_private(sv[1], buf, 64, 0);
    CHECK(conf_declassify_int(memcmp(buf, "hello world", 11)) == 0);

    CHECK(send(sv[0], "again", 5, 0) == 5);
    close(sv[0]);
    CONF_PRIVATE_BUFFER(char, local, 16);
    CHECK(local != NULL && IS_PRIVATE(local));
    long more = conf_recv_private(sv[1], local, 16, 0);
    CHECK(conf_declassify_int(memcmp(local, "again", 5)) == 0);
    printf("peeked %ld, received %ld + %ld\n", peeked, got, more);
    CHECK(conf_recv_private(sv[1], local, 16, 0) == 0);
    close(sv[1]);
    conf_free(buf);
    puts("recv_private ok");
    return 0;
}
