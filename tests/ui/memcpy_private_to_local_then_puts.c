/* A local buffer that is later printed with puts escapes, so it is public memory: copying a
 * private password into it is rejected at the memcpy. */
#include <stdio.h>
#include <string.h>
#include <confpass.h>

private char password[32];

void show(void) {
    char line[32];
    memcpy(line, password, sizeof line); //~ ERROR private-to-public-store
    line[31] = 0;
    puts(line);
}
