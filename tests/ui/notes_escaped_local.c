/* Flow path into a local whose address escapes: the extra note shows where the address
 * escapes, which is why the local counts as public memory. */
#include <stdio.h>
#include <confpass.h>

private char password[32];

void show_first(void) {
    char first[2];
    first[0] = password[0]; //~ ERROR private-to-public-store
    //~^ NOTE private data is read here
    first[1] = 0;
    puts(first); //~ NOTE this local variable is public memory: its address escapes here
}
