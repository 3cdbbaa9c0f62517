/* Modes without CFI (here `loads`; lua and xz showed it in `stores` too) carry no KCFI ids, so
 * `sigaction` must reach the C library as it is: its wrapper, which checks the handler's id,
 * is only for builds with CFI (a handler installed there stopped the program). */
// confcc-flags: -mllvm -confpass-mode=loads
// expect-stdout: handled 10
#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t got;
static void on_usr1(int s) { got = s; }

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0) return 1;
    raise(SIGUSR1);
    printf("handled %d\n", (int)got);
    return 0;
}
