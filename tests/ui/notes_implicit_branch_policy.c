/* Flow path of an implicit flow through a library function: memcmp of a private MAC (policy:
 * *arg1 -> ret) decides a branch that writes a public flag. */
#include <string.h>
#include <confpass.h>

private unsigned char expected_mac[16];
unsigned char received_mac[16];
int mac_ok;

void verify(void) {
    if (memcmp(expected_mac, received_mac, 16) == 0) //~ NOTE private data is read here
    //~^ NOTE a branch on private data here decides what runs next
        mac_ok = 1; //~ ERROR implicit-flow
}
