/* A user policy file that cannot be read is a bad-policy error without a source location. */
// confpass-flags: -mllvm -confpass-policy=/nonexistent/confpass-ui-test.policy
#include <confpass.h>

int answer(void) {
    return 42;
}
//~? ERROR bad-policy
