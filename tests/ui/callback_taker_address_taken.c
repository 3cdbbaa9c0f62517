/* confpass checks the function pointer handed to qsort (and the other functions of the C
 * library that call one back) at direct calls only: taking the address of qsort is an error,
 * as a call through it would hand libc an unchecked comparator. A raw `syscall` that reads
 * memory through its arguments is an error too (the kernel would follow an iovec unchecked);
 * one that touches no memory is fine. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

typedef void (*sorter_t)(void *, size_t, size_t, int (*)(const void *, const void *));
static int up(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int sort_with(int *v, size_t n, struct iovec *iov) {
    sorter_t volatile s = qsort; //~ ERROR unsupported
    s(v, n, sizeof *v, up);
    syscall(SYS_writev, 1, iov, 1); //~ ERROR unsupported
    return (int)syscall(SYS_gettid);
}
