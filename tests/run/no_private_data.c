/* A program with no private data at all behaves exactly as without confpass: recursion,
 * function pointers, the heap, qsort calling back into compiled code. */
// run-args: 5 3 9 1
// expect-stdout: 1 3 5 9
// expect-stdout: fib(20) = 6765
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
    int n = argc - 1;
    int *v = malloc(sizeof(int) * (size_t)n);
    for (int i = 0; i < n; i++) v[i] = atoi(argv[i + 1]);
    qsort(v, (size_t)n, sizeof(int), cmp);
    for (int i = 0; i < n; i++) printf(i ? " %d" : "%d", v[i]);
    printf("\n");
    int (*f)(int) = fib;
    printf("fib(20) = %d\n", f(20));
    free(v);
    return 0;
}
