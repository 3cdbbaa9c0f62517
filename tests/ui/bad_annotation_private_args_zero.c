/* Positions in CONF_PRIVATE_ARGS count from 1: CONF_PRIVATE_ARGS(0) names no parameter and is
 * malformed. */
#include <confpass.h>

CONF_PRIVATE_ARGS(0) void absorb(int secret); //~ ERROR bad-annotation

void use(void) {
    absorb(1);
}
