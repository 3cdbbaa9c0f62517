/* A local whose address is passed to an external function is public memory (the callee may
 * keep the pointer): storing a private PIN into it is rejected. */
#include <confpass.h>

void register_output(int *slot);

private int pin;

void prepare(void) {
    int result;
    register_output(&result);
    result = pin; //~ ERROR private-to-public-store
}
