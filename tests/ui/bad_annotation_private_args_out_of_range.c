/* CONF_PRIVATE_ARGS(3) on a function with a single parameter names a parameter that does not
 * exist: the annotation is malformed. */
#include <confpass.h>

CONF_PRIVATE_ARGS(3) void consume_secret(int secret); //~ ERROR bad-annotation

void use(void) {
    consume_secret(0);
}
