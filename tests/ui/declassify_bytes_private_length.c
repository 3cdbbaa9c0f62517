/* conf_declassify_bytes releases the bytes, not the length: a length computed from private
 * data (the private token's strlen) is a private argument. */
#include <string.h>
#include <confpass.h>

private char token[64];
char wire[64];

void send_token(void) {
    conf_declassify_bytes(wire, token, strlen(token)); //~ ERROR private-argument
}
