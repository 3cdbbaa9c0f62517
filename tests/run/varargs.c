/* Variadic functions compiled by confcc: va_arg over register and stack arguments, a va_list
 * handed on to another function and to vprintf. Their reads of the native stack go through
 * the va_list and need no guard (a public guard there would stop every printf-like function).
 * Built at -O0 too, where clang passes va_start a GEP of the va_list. */
// expect-stdout: 36
// expect-stdout: 1 x 3 4 5 6 7 8
#include <stdarg.h>
#include <stdio.h>

static long sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++)
        s += va_arg(ap, long);
    va_end(ap);
    return s;
}

__attribute__((format(printf, 1, 0))) static void vlog(const char *fmt, va_list ap) { vprintf(fmt, ap); }

__attribute__((format(printf, 1, 2))) static void logf_(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog(fmt, ap);
    va_end(ap);
}

int main(void) {
    printf("%ld\n", sum(8, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L));
    logf_("%d %s %d %d %d %d %d %d\n", 1, "x", 3, 4, 5, 6, 7, 8);
    return 0;
}
