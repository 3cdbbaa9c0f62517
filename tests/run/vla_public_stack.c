/* Dynamically sized public locals (a VLA in a loop, an `alloca(n)`) passed to another
 * function: confcc places them in the public mirror of the native stack room made for them (a
 * guarded public access to the native stack would stop the program), so the loop's
 * `llvm.stackrestore` frees the VLA's public memory with the native stack's. */
// expect-stdout: 218974
#include <stdio.h>
#include <string.h>
#include <alloca.h>
static int fill(char *p, int n) { for (int i = 0; i < n; i++) p[i] = 'a' + i % 26; return p[n - 1]; }
int main(int argc, char **argv) {
    int total = 0;
    for (int k = 1; k < 2000; k++) { char vla[k]; total += fill(vla, k); }
    char *a = alloca(100 + argc); total += fill(a, 100);
    printf("%d\n", total);
    return 0;
}
