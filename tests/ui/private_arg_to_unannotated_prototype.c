/* A function defined in another translation unit whose prototype carries no CONF_PRIVATE_ARGS
 * takes public arguments: passing it a private value is rejected. */
#include <confpass.h>

void audit_log_value(int v);

private int secret_level;

void record(void) {
    audit_log_value(secret_level); //~ ERROR private-argument
}
