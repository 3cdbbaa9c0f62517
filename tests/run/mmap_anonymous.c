/* mmap(NULL, n, …) with a length known only at run time: the range check gets the null pointer
 * (whose cast folds to the constant 0), and the verifier must recognise it. */
// run-args: 65536
// expect-stdout: x
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 65536;
    char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    p[0] = 'x';
    printf("%c\n", p[0]);
    return munmap(p, n);
}
