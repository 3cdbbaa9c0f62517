/* An atomic read-modify-write of a public counter with a private operand stores private data
 * into public memory. */
#include <confpass.h>

private int secret_weight;
int total_weight;

void accumulate(void) {
    __atomic_fetch_add(&total_weight, secret_weight, __ATOMIC_SEQ_CST); //~ ERROR private-to-public-store
}
