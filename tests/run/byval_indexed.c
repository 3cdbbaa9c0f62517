/* Structures passed by value whose callee indexes them with a variable, or passes their address
 * on: the callee's copy sits in its caller's native frame, where a public access would stop
 * the program, so confcc copies such an argument into the callee's public frame at entry. */
// run-args: 3
// expect-stdout: 16843010
// expect-stdout: 120
// expect-stdout: 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct S { char buf[64]; long tag; };

__attribute__((noinline)) static int f(struct S s, int i, char v) {
    s.buf[i] = v; /* a variable index into the copy */
    return s.buf[i ^ 1] + (int)s.tag;
}
__attribute__((noinline)) static void g(char *p, int i) { p[i] = 'x'; }
__attribute__((noinline)) static int h(struct S s, int i) {
    g(s.buf, i); /* its address passed on */
    return s.buf[i];
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct S s;
    memset(&s, 1, sizeof s);
    int i = atoi(argv[1]);
    printf("%d\n", f(s, i, 5));
    printf("%d\n", h(s, i));
    printf("%d\n", s.buf[i]); /* the caller's own is untouched */
    return 0;
}
