/* A private thread-local variable is not supported (thread-local storage lives outside the
 * private region): rejected without a source location. */
#include <confpass.h>

private _Thread_local int per_thread_nonce;

void bump_nonce(void) {
    per_thread_nonce++;
}
//~? ERROR unsupported
