/* A select (conditional expression) between private values, on a private condition, stored
 * into private memory: no public effect. */
#include <confpass.h>

private int balance_a;
private int balance_b;
private int larger_balance;

void pick_larger(void) {
    larger_balance = balance_a > balance_b ? balance_a : balance_b;
}
