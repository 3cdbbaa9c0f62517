/* Function pointers loaded from memory and handed to the C library are checked before the call
 * (a qsort comparator, an atexit handler, signal and sigaction handlers, a handler that signal
 * returned, a thread's start routine): every legitimate one passes, in every build. */
// expect-stdout: 3 2 1 0 got=12 r=1
// expect-stdout: bye
#include <confpass.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
struct opts { int (*cmp)(const void *, const void *); void (*on_exit)(void); void (*handler)(int); void *(*run)(void *); };
static int up(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int down(const void *a, const void *b) { return *(const int *)b - *(const int *)a; }
static void bye(void) { puts("bye"); }
static volatile int got;
static void on_usr1(int s) { got = s; }
static void *work(void *p) { return (char *)p + 1; }
int main(int argc, char **argv) {
    struct opts *o = malloc(sizeof *o);
    o->cmp = argc > 0 ? down : up;
    o->on_exit = bye; o->handler = on_usr1; o->run = work;
    int v[4] = {3, 1, 2, 0};
    qsort(v, 4, sizeof v[0], o->cmp);
    atexit(o->on_exit);
    signal(SIGUSR1, o->handler);
    struct sigaction sa = {0}, old;
    sa.sa_handler = o->handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR2, &sa, &old);
    raise(SIGUSR1); raise(SIGUSR2);
    sigaction(SIGUSR2, &old, NULL);
    void (*prev)(int) = signal(SIGUSR1, SIG_IGN);
    signal(SIGUSR1, prev);
    pthread_t t; void *r;
    pthread_create(&t, NULL, o->run, v); pthread_join(t, &r);
    printf("%d %d %d %d got=%d r=%d\n", v[0], v[1], v[2], v[3], got, r == (char *)v + 1);
    return 0;
}
