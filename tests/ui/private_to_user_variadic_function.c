/* A user-defined variadic logging function: a private value in a variadic position is
 * rejected, as for printf. */
#include <stdarg.h>
#include <stdio.h>
#include <confpass.h>

__attribute__((format(printf, 1, 2))) void log_event(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

private int session_id;

void on_login(int user) {
    log_event("user %d logged in\n", user);
    log_event("session %d\n", session_id); //~ ERROR private-to-variadic
}
