/* Alternate signal stacks: a handler installed with SA_ONSTACK after sigaltstack runs on the
 * alternate stack (sigaltstack reports SS_ONSTACK inside it) and that stack lies in the
 * private region, although the program gave a buffer from libc's heap. The classic use works:
 * infinite recursion overflows main's stack (1 MiB here, CONFPASS_STACK_SIZE), the SIGSEGV
 * handler runs on the alternate stack and leaves with siglongjmp, and the program goes on. */
// run-env: CONFPASS_STACK_SIZE=1M
// expect-stdout: handler on the alternate stack
// expect-stdout: recovered from a stack overflow
// expect-stdout: sigaltstack ok
#include <confpass.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); exit(1); } } while (0)
static int in_private(unsigned long a) { return a >= 0x100000000000UL && a < 0x101000000000UL; }
#define IS_PRIVATE(p) in_private((unsigned long)(uintptr_t)(p))

static volatile sig_atomic_t on_alt_stack, frame_private, overflowed;
static sigjmp_buf recover;

static void usr1(int sig) {
    (void)sig;
    stack_t now;
    on_alt_stack = sigaltstack(NULL, &now) == 0 && (now.ss_flags & SS_ONSTACK);
    frame_private = IS_PRIVATE(__builtin_frame_address(0));
}

static void segv(int sig) {
    (void)sig;
    stack_t now;
    overflowed = sigaltstack(NULL, &now) == 0 && (now.ss_flags & SS_ONSTACK) &&
                 IS_PRIVATE(__builtin_frame_address(0));
    siglongjmp(recover, 1);
}

static volatile long depth;

static long recurse(long n) {
    volatile char pad[256];
    pad[0] = (char)n;
    depth = n;
    return recurse(n + 1) + pad[0];
}

int main(void) {
    stack_t ss = {.ss_sp = malloc(SIGSTKSZ * 4), .ss_size = SIGSTKSZ * 4, .ss_flags = 0};
    CHECK(ss.ss_sp != NULL);
    CHECK(sigaltstack(&ss, NULL) == 0);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_ONSTACK;
    sa.sa_handler = usr1;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    sa.sa_handler = segv;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    CHECK(raise(SIGUSR1) == 0);
    CHECK(on_alt_stack);
    CHECK(frame_private);
    puts("handler on the alternate stack");

    if (sigsetjmp(recover, 1) == 0) {
        recurse(0);
        puts("not reached");
    }
    CHECK(overflowed);
    CHECK(depth > 1000);
    puts("recovered from a stack overflow");
    puts("sigaltstack ok");
    return 0;
}
