/* Public locals whose address escapes live in the public mirror of their native stack slot;
 * code that runs outside main must find a mirror too. A constructor (run by the loader on the
 * initial stack, which has no mirror: confcc runs constructors on a native stack), an atexit
 * handler and a destructor (run by exit after main returns, which the runtime calls on main's
 * native stack) each pass a local buffer to another function. Without those two steps the
 * first of them faults. */
// expect-stdout: constructor 6
// expect-stdout: main 15
// expect-stdout: atexit 24
// expect-stdout: destructor 33
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static int sum(const int *v, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    return s;
}

__attribute__((noinline)) static void show(const char *who, int base) {
    int v[3] = {base, base + 1, base + 2};
    printf("%s %d\n", who, sum(v, 3));
}

static void at_exit(void) { show("atexit", 7); }

__attribute__((constructor)) static void setup(void) { show("constructor", 1); }
__attribute__((destructor)) static void teardown(void) { show("destructor", 10); }

int main(void) {
    atexit(at_exit);
    show("main", 4);
    return 0;
}
