/* main's return value is the process exit status, which is public: returning a private key
 * byte from main is rejected (main's signature is never inferred). */
#include <confpass.h>

private char key[16];

int main(void) {
    return key[0]; //~ ERROR private-return
}
