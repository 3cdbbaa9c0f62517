/* Library calls whose buffers are described in memory go through the runtime's wrappers, which
 * hand the kernel a checked copy of the description: every one still does what the library
 * does, results written back included (readv/writev, preadv/pwritev and their v2 forms,
 * sendmsg/recvmsg with an address and a passed file descriptor, sendmmsg/recvmmsg with each
 * message's length, process_vm_readv on this process, a call through a pointer to writev). */
// expect-stdout: writev 11, readv 11: hello world
// expect-stdout: pwritev 6, preadv2 6: abcdef
// expect-stdout: sendmsg 4, recvmsg 4: ping, fd passed 1, flags 0
// expect-stdout: sendmmsg 3, recvmmsg 3: lengths 1 2 3: a bb ccc
// expect-stdout: process_vm_readv 5: local
// expect-stdout: through a pointer 3
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
    int p[2];
    if (pipe(p) != 0) return 2;
    char a[] = "hello ", b[] = "world";
    struct iovec out[2] = {{a, 6}, {b, 5}};
    ssize_t w = writev(p[1], out, 2);
    char x[7] = {0}, y[8] = {0};
    struct iovec in[2] = {{x, 6}, {y, 5}};
    ssize_t r = readv(p[0], in, 2);
    printf("writev %zd, readv %zd: %s%s\n", w, r, x, y);

    FILE *tmp = tmpfile();
    int fd = fileno(tmp);
    char s1[] = "abc", s2[] = "def";
    struct iovec pw[2] = {{s1, 3}, {s2, 3}};
    ssize_t pwn = pwritev(fd, pw, 2, 10);
    char t[7] = {0};
    struct iovec pr[1] = {{t, 6}};
    ssize_t prn = preadv2(fd, pr, 1, 10, 0);
    printf("pwritev %zd, preadv2 %zd: %s\n", pwn, prn, t);

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0) return 2;
    char ping[] = "ping";
    struct iovec mi = {ping, 4};
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
    memset(&ctl, 0, sizeof ctl);
    struct msghdr m = {0};
    m.msg_iov = &mi;
    m.msg_iovlen = 1;
    m.msg_control = ctl.buf;
    m.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t sn = sendmsg(sv[0], &m, 0);
    char got[8] = {0};
    struct iovec ri = {got, sizeof got - 1};
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } rctl;
    struct msghdr rm = {0};
    rm.msg_iov = &ri;
    rm.msg_iovlen = 1;
    rm.msg_control = rctl.buf;
    rm.msg_controllen = sizeof rctl.buf;
    rm.msg_flags = -1;
    ssize_t rn = recvmsg(sv[1], &rm, 0);
    struct cmsghdr *rc = CMSG_FIRSTHDR(&rm);
    int passed = rc && rc->cmsg_type == SCM_RIGHTS && rm.msg_controllen >= CMSG_LEN(sizeof(int));
    printf("sendmsg %zd, recvmsg %zd: %s, fd passed %d, flags %d\n", sn, rn, got, passed, rm.msg_flags);

    char m1[] = "a", m2[] = "bb", m3[] = "ccc";
    struct iovec mv[3] = {{m1, 1}, {m2, 2}, {m3, 3}};
    struct mmsghdr mm[3];
    memset(mm, 0, sizeof mm);
    for (int i = 0; i < 3; i++) mm[i].msg_hdr.msg_iov = &mv[i], mm[i].msg_hdr.msg_iovlen = 1;
    int smn = sendmmsg(sv[0], mm, 3, 0);
    char r1[4] = {0}, r2[4] = {0}, r3[4] = {0};
    struct iovec rv[3] = {{r1, 3}, {r2, 3}, {r3, 3}};
    struct mmsghdr rmm[3];
    memset(rmm, 0, sizeof rmm);
    for (int i = 0; i < 3; i++) rmm[i].msg_hdr.msg_iov = &rv[i], rmm[i].msg_hdr.msg_iovlen = 1;
    int rmn = recvmmsg(sv[1], rmm, 3, MSG_DONTWAIT, NULL);
    printf("sendmmsg %d, recvmmsg %d: lengths %u %u %u: %s %s %s\n", smn, rmn, rmm[0].msg_len, rmm[1].msg_len, rmm[2].msg_len, r1, r2, r3);

    char src[] = "local", dst[6] = {0};
    struct iovec lv = {dst, 5}, remote = {src, 5};
    ssize_t vn = process_vm_readv(getpid(), &lv, 1, &remote, 1, 0);
    printf("process_vm_readv %zd: %s\n", vn, vn == 5 ? dst : "(not permitted here)");

    ssize_t (*volatile vw)(int, const struct iovec *, int) = writev;
    char z[] = "xyz";
    struct iovec zv = {z, 3};
    printf("through a pointer %zd\n", vw(p[1], &zv, 1));
    return 0;
}
