/* The negative control's stand-ins for the confpass API: what a program written against
 * confpass.h gets from a plain compiler and plain libc, with no private region, no guards and
 * no checks. Attack tests (tests/run.rs) link this into their plain clang-22 build to show
 * that the attack leaks without confpass. */
#include <confpass.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#define PUB(p) ((void *)(p))

private void *conf_malloc(size_t n) { return (private void *)malloc(n); }
private void *conf_calloc(size_t n, size_t size) { return (private void *)calloc(n, size); }
private void *conf_realloc(private void *p, size_t n) { return (private void *)realloc(PUB(p), n); }
void conf_free(private void *p) { free(PUB(p)); }
ssize_t conf_read_private(int fd, private void *buf, size_t n) { return read(fd, PUB(buf), n); }
ssize_t conf_recv_private(int fd, private void *buf, size_t n, int flags) { return recv(fd, PUB(buf), n, flags); }
int conf_declassify_int(int v) { return v; }
long conf_declassify_long(long v) { return v; }
unsigned long conf_declassify_ulong(unsigned long v) { return v; }
double conf_declassify_double(double v) { return v; }
void conf_declassify_bytes(void *dst, const private void *src, size_t n) { memcpy(dst, (const void *)src, n); }
