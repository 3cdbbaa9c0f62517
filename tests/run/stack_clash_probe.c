/* A thread's frame larger than its whole native stack (an `alloca` of a size the input
 * chooses): confcc compiles with stack-clash probes, so the allocation touches every page it
 * skips and faults in the guard page below the thread's stack (SIGSEGV, status 139), instead
 * of landing in main's native stack, the neighbour below, and writing there. argv[1]: the size
 * in KiB (a thread's native stack is 8 MiB, the least the runtime gives). */
// run-args: 8448
// expect-exit: 139
// expect-stdout: main: before
#include <alloca.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t want;

__attribute__((noinline)) static void *deep(void *arg) {
    (void)arg;
    volatile char *p = alloca(want);
    p[0] = 'x'; /* the lowest byte only: without probes nothing in between is touched */
    printf("thread: wrote %c at the bottom of a frame of %zu KiB\n", p[0], want >> 10);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    want = strtoul(argv[1], NULL, 10) << 10;
    printf("main: before\n");
    fflush(stdout);
    pthread_t t;
    pthread_create(&t, NULL, deep, NULL);
    pthread_join(t, NULL);
    printf("main: after\n");
    return 0;
}
