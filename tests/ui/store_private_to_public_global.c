/* Storing a byte of a private key directly into a public global is a leak: the value lands in
 * public memory where any code (or an attacker with a read primitive) can see it. */
#include <confpass.h>

private char session_key[16];
char last_key_byte;

void remember_first_byte(void) {
    last_key_byte = session_key[0]; //~ ERROR private-to-public-store
}
