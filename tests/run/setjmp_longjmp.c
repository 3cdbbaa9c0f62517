/* setjmp/longjmp work on the private native stack: longjmp returns to setjmp with its value,
 * out of 50 nested calls, and from inside a nested setjmp scope to an outer one; volatile
 * locals keep their values, private heap data written before the jump is intact after it, and
 * sigsetjmp/siglongjmp restore the signal mask. */
// expect-stdout: jump 1 from depth 50: sum 1275
// expect-stdout: jump 2 from depth 10: sum 55
// expect-stdout: jump 3 from depth 0: sum 0
// expect-stdout: outer scope reached with 7
// expect-stdout: mask restored
// expect-stdout: setjmp_longjmp ok
#include <confpass.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

static jmp_buf env;
static private long *acc;

/* Adds depth..1 into the private accumulator, then jumps back from the bottom. */
__attribute__((noinline)) static void descend(int depth, int code) {
    if (depth == 0) {
        CHECK(IS_PRIVATE(__builtin_frame_address(0)));
        longjmp(env, code);
    }
    *acc += depth;
    descend(depth - 1, code);
    puts("not reached");
}

static jmp_buf outer;

__attribute__((noinline)) static void inner_scope(void) {
    jmp_buf inner;
    if (setjmp(inner) == 0) longjmp(outer, 7); /* skips the inner scope entirely */
    puts("not reached");
}

static sigjmp_buf senv;

int main(void) {
    acc = conf_calloc(1, sizeof(long));
    CHECK(acc != NULL);
    static const int depths[] = {50, 10, 0};
    volatile int round = 0;
    int code = setjmp(env);
    if (code != 0) {
        printf("jump %d from depth %d: sum %ld\n", code, depths[round], conf_declassify_long(*acc));
        round++;
    }
    if (round < 3) {
        *acc = 0;
        descend(depths[round], round + 1);
    }

    int v = setjmp(outer);
    if (v == 0) inner_scope();
    printf("outer scope reached with %d\n", v);

    sigset_t block, now;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    if (sigsetjmp(senv, 1) == 0) {
        CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
        siglongjmp(senv, 1);
    }
    CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
    CHECK(!sigismember(&now, SIGUSR1));
    puts("mask restored");
    conf_free(acc);
    puts("setjmp_longjmp ok");
    return 0;
}
