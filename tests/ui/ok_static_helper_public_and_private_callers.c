/* A static helper called once with a private value (result kept private) and once with a
 * public value (result printed): the public call's result is public. */
#include <stdio.h>
#include <confpass.h>

private int pin;
private int pin_check_digit;

static int check_digit(int v) {
    return (v * 7 + 3) % 10;
}

void compute(int account) {
    pin_check_digit = check_digit(pin);
    printf("account check digit: %d\n", check_digit(account));
}
