/* Signal handlers run on the private native stack of the interrupted code: a handler installed
 * with sigaction runs for raise(), for kill() of the own process and for a timer (SIGALRM
 * while main computes on private data), its frame lies in the private region, the interrupted
 * computation finishes with the right result, and a handler may leave with siglongjmp. */
// expect-stdout: handled SIGUSR1 via raise
// expect-stdout: handled SIGUSR2 via kill
// expect-stdout: handled SIGALRM during a computation: 499999500000
// expect-stdout: left SIGSEGV handler with siglongjmp
// expect-stdout: signals ok
#include <confpass.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

static volatile sig_atomic_t last_signal;
static volatile sig_atomic_t frame_private;

static void handler(int sig) {
    last_signal = sig;
    frame_private = IS_PRIVATE(__builtin_frame_address(0));
}

static sigjmp_buf recover;

static void segv_handler(int sig) {
    (void)sig;
    siglongjmp(recover, 1);
}

static void install(int sig, void (*h)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(sig, &sa, NULL) == 0);
}

int main(void) {
    install(SIGUSR1, handler);
    install(SIGUSR2, handler);
    install(SIGALRM, handler);
    install(SIGSEGV, segv_handler);

    CHECK(raise(SIGUSR1) == 0);
    CHECK(last_signal == SIGUSR1 && frame_private);
    puts("handled SIGUSR1 via raise");

    frame_private = 0;
    CHECK(kill(getpid(), SIGUSR2) == 0);
    CHECK(last_signal == SIGUSR2 && frame_private);
    puts("handled SIGUSR2 via kill");

    /* A timer fires while main is busy with private data in registers and on its stack. */
    frame_private = 0;
    private long *v = conf_malloc(1000000 * sizeof(long));
    CHECK(v != NULL);
    struct itimerval it = {.it_interval = {0, 200}, .it_value = {0, 200}};
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    long sum = 0;
    int round = 0;
    for (; round < 5000 && (round < 50 || last_signal != SIGALRM); round++) {
        for (long i = 0; i < 1000000; i++) v[i] = i;
        long s = 0;
        for (long i = 0; i < 1000000; i++) s += v[i];
        sum = conf_declassify_long(s);
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
    CHECK(last_signal == SIGALRM && frame_private);
    printf("handled SIGALRM during a computation: %ld\n", sum);
    conf_free(v);

    if (sigsetjmp(recover, 1) == 0) {
        volatile int *bad = (volatile int *)16;
        *bad = 1;
        puts("not reached");
    }
    puts("left SIGSEGV handler with siglongjmp");
    puts("signals ok");
    return 0;
}
